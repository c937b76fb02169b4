import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChildResult,
  RESULT_FILE_BYTES,
  ResultExport,
  type ResultWriterSpec,
} from '../../local/stepfunctions/result-writer.js';
import { startTestEmulators, type TestEmulators } from '../serving/emulators.js';

// The local ResultWriter against emulated S3: the files AWS documents (SUCCEEDED_n / FAILED_n,
// JSONL or a JSON array, manifest.json with each file's Size), split by entries and by bytes.
let emu: TestEmulators;
const BUCKET = 'cirrus-artifacts';
const MAP_RUN = 'arn:aws:states:us-east-1:123456789012:mapRun:batch/ScoreCsv:run-1';

const spec = (OutputType: string): ResultWriterSpec => ({
  Resource: 'arn:aws:states:::s3:putObject',
  WriterConfig: { Transformation: 'COMPACT', OutputType },
  Parameters: { Bucket: BUCKET, Prefix: `rw/${OutputType}` },
});

function result(output: unknown, status: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED'): ChildResult {
  const base = {
    ExecutionArn: 'arn:x',
    Name: 'n',
    Input: status === 'FAILED' ? JSON.stringify({ Items: [{ row: 1 }] }) : '',
    StartDate: '2026-12-07T00:00:00.000Z',
    StopDate: '2026-12-07T00:00:01.000Z',
    StateMachineArn: MAP_RUN,
  };
  return status === 'SUCCEEDED'
    ? { ...base, Status: status, Output: JSON.stringify(output) }
    : { ...base, Status: status, Error: 'E', Cause: 'c "quoted" é' };
}

async function text(key: string): Promise<string> {
  const { Body } = await emu.deps.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await Body?.transformToString()) ?? '';
}

/** Values whose JSON text has escapes, non-ASCII, integer-like keys and exponents. */
const OUTPUTS: unknown[] = [
  { firstRow: 0, lines: 'k,"a ""b""",0.5\n\u2028é\t\\\n', n: -0 },
  { b: 1, '1': [1e21, 1.5e-7, null, true], nested: { '\u0000': 'x' } },
  'a string',
  42,
  null,
];

beforeAll(async () => {
  emu = await startTestEmulators();
}, 60_000);
afterAll(async () => {
  await emu?.close();
});

describe('local ResultWriter', () => {
  it('writes a COMPACT success as its Output text: the bytes JSON.parse + JSON.stringify give', async () => {
    for (const type of ['JSONL', 'JSON']) {
      const writer = new ResultExport(emu.deps.s3, spec(type), MAP_RUN);
      for (const o of OUTPUTS) writer.add(result(o));
      const failed = result(null, 'FAILED');
      writer.add(failed);
      const { ResultWriterDetails } = await writer.finish();
      const manifest = JSON.parse(await text(ResultWriterDetails.Key));
      const [ok] = manifest.ResultFiles.SUCCEEDED;
      const [bad] = manifest.ResultFiles.FAILED;
      const parsed = OUTPUTS.map((o) => JSON.parse(JSON.stringify(o)));
      const want =
        type === 'JSONL' ? parsed.map((p) => JSON.stringify(p)).join('\n') + '\n' : JSON.stringify(parsed);
      expect(await text(ok.Key)).toBe(want);
      expect(ok.Size).toBe(Buffer.byteLength(want));
      const wantFailed = type === 'JSONL' ? `${JSON.stringify(failed)}\n` : JSON.stringify([failed]);
      expect(await text(bad.Key)).toBe(wantFailed);
      expect(bad.Size).toBe(Buffer.byteLength(wantFailed));
    }
  });

  it('starts a new result file once a file holds RESULT_FILE_BYTES, keeping every entry once', async () => {
    const writer = new ResultExport(
      emu.deps.s3,
      { ...spec('JSONL'), Parameters: { Bucket: BUCKET, Prefix: 'rw/big' } },
      MAP_RUN,
    );
    const big = (i: number) => ({ i, lines: String(i).repeat(RESULT_FILE_BYTES / 2) });
    for (let i = 0; i < 5; i++) writer.add(result(big(i % 10)));
    const { ResultWriterDetails } = await writer.finish();
    const files = JSON.parse(await text(ResultWriterDetails.Key)).ResultFiles.SUCCEEDED as {
      Key: string;
      Size: number;
    }[];
    expect(files.map((f) => f.Key.split('/').pop())).toEqual([
      'SUCCEEDED_0.json',
      'SUCCEEDED_1.json',
      'SUCCEEDED_2.json',
    ]);
    const seen: number[] = [];
    for (const f of files) {
      const body = await text(f.Key);
      expect(f.Size).toBe(Buffer.byteLength(body));
      for (const line of body.trimEnd().split('\n')) seen.push(JSON.parse(line).i);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });
});
