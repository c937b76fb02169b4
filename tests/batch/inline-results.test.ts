import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchJob } from '../../contracts/batch.js';
import { getBatchJob } from '../../core/batch/jobs.js';
import { assembleBatch } from '../../core/batch/assemble.js';
import { type BatchLines, RowOrder } from '../../core/batch/row-order.js';
import { startBatchJob } from '../../core/batch/start.js';
import { createBatchHandlers } from '../../lambdas/batch/handlers.js';
import { createLocalStateMachine } from '../../local/stepfunctions/index.js';
import type { TestEmulators } from '../serving/emulators.js';
import { machineRunner, startTinyEndpoint, stoppedExecution } from './tiny-endpoint.js';

// Where a batch's lines travel: inline in its result (ResultWriter files) or, when they do not
// fit the inline budget, as part objects. The real ASL file, batch handlers, emulated S3 and
// DynamoDB. ScoreBatch is delayed by its first row (said below) so children end in reverse order
// and the result files are out of row order.
let emu: TestEmulators;
let dataDir: string;
const BUCKET = 'cirrus-artifacts';
const ROWS = 1000;
const BATCH = 100;
/** Batches whose keys are long: 100 lines of ~2,100 bytes do not fit the inline budget. */
const LONG = new Set([300, 700]);
const BAD = new Set([5, 350, 777]);

function inputCsv(longKeys: boolean): string {
  const lines = Array.from({ length: ROWS }, (_, i) => {
    const first = Math.floor(i / BATCH) * BATCH;
    const key = longKeys && LONG.has(first) ? `k${i}-${'x'.repeat(2100)}` : `k${i}`;
    return `${key},${BAD.has(i) ? 'bad' : i % 7},${i % 2 ? 'red' : 'blue'},${i % 5}`;
  });
  return `key,x1,color,x2\n${lines.join('\n')}\n`;
}

async function text(bucket: string, key: string): Promise<string> {
  const { Body } = await emu.deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await Body?.transformToString()) ?? '';
}
const textOf = (uri: string) => text(BUCKET, uri.replace(`s3://${BUCKET}/`, ''));

async function runJob(inputKey: string, out: string, windowChars?: number): Promise<BatchJob> {
  const handlers = createBatchHandlers(emu.deps);
  const machine = createLocalStateMachine({
    definition: 'batch',
    dataDir,
    s3: emu.deps.s3,
    retryIntervalMs: 0,
    trainingJob: async () => ({}),
    handlers: {
      ...handlers,
      // Later batches end first: the result files list batches in reverse row order.
      ScoreBatch: async (payload) => {
        const first = (payload as { Items: { row: number }[] }).Items[0].row;
        await new Promise((done) => setTimeout(done, (ROWS - first) / 2));
        return handlers.ScoreBatch(payload);
      },
      AssembleBatch: (payload) => assembleBatch(emu.deps, payload, windowChars),
    },
  });
  const job = await startBatchJob(emu.deps, machineRunner(machine), {
    endpoint: 'tiny',
    request: {
      input: `s3://${BUCKET}/${inputKey}`,
      output: `s3://${BUCKET}/${out}`,
      batchSize: BATCH,
      keyColumn: 'key',
    },
  });
  await stoppedExecution(machine, job.jobId);
  return getBatchJob(emu.deps, job.jobId);
}

async function keysUnder(prefix: string): Promise<string[]> {
  const listed = await emu.deps.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
}

beforeAll(async () => {
  ({ emu, dataDir } = await startTinyEndpoint('cirrus-inline-'));
  for (const long of [false, true])
    await emu.deps.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: `inl/in-${long}.csv`, Body: inputCsv(long) }),
    );
}, 60_000);
afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('batch lines inline in the results, parts when too big, row order restored', () => {
  it('gives the same outputs, in row order, whether a batch came back inline or as parts', async () => {
    const inline = await runJob('inl/in-false.csv', 'inl/a/');
    const mixed = await runJob('inl/in-true.csv', 'inl/b/');
    for (const job of [inline, mixed])
      expect(job).toMatchObject({
        status: 'SUCCEEDED',
        rows: { total: ROWS, scored: ROWS - BAD.size, invalid: BAD.size, failed: 0 },
        batches: { total: ROWS / BATCH, failed: 0 },
      });
    // Only the long-key batches wrote parts (both files: each holds a bad row).
    expect(await keysUnder(`inl/a/_work/${inline.jobId}/parts/`)).toEqual([]);
    const parts = (await keysUnder(`inl/b/_work/${mixed.jobId}/parts/`)).map((k) => k.split('/').pop());
    expect(parts).toEqual([
      '000000000300.errors',
      '000000000300.rows',
      '000000000700.errors',
      '000000000700.rows',
    ]);
    // The result files list batches out of row order (the test delays early batches).
    const manifest = JSON.parse(await textOf(mixed.manifestUri ?? ''));
    const firstRows = (await text(BUCKET, manifest.ResultFiles.SUCCEEDED[0].Key))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).firstRow);
    expect(firstRows).not.toEqual([...firstRows].sort((a, b) => a - b));

    const [a, b] = [await textOf(inline.predictionsUri ?? ''), await textOf(mixed.predictionsUri ?? '')];
    const rowsA = a.trimEnd().split('\n');
    const rowsB = b.trimEnd().split('\n');
    expect(rowsA[0]).toBe(rowsB[0]);
    const good = Array.from({ length: ROWS }, (_, i) => i).filter((i) => !BAD.has(i));
    expect(rowsA.slice(1).map((l) => l.split(',')[0])).toEqual(good.map((i) => `k${i}`));
    expect(rowsB.slice(1).map((l) => l.split(',')[0].split('-')[0])).toEqual(good.map((i) => `k${i}`));
    // Same predictions row for row: only the key differs.
    const tail = (l: string) => l.slice(l.indexOf(','));
    expect(rowsB.map(tail)).toEqual(rowsA.map(tail));
    expect(a.endsWith('\n') && b.endsWith('\n')).toBe(true);

    const errors = [await textOf(inline.errorsUri ?? ''), await textOf(mixed.errorsUri ?? '')];
    expect(errors[1]).toBe(errors[0]);
    expect(
      errors[0]
        .trimEnd()
        .split('\n')
        .map((l) => l.split(',')[0]),
    ).toEqual(['row', '6', '351', '778']);
  }, 120_000);

  it('re-reads results from the result files when they overflow the window, same outputs', async () => {
    const held = await runJob('inl/in-true.csv', 'inl/c/');
    const spilled = await runJob('inl/in-true.csv', 'inl/d/', 0);
    expect(spilled).toMatchObject({ status: 'SUCCEEDED', rows: held.rows, batches: held.batches });
    expect(await textOf(spilled.predictionsUri ?? '')).toBe(await textOf(held.predictionsUri ?? ''));
    expect(await textOf(spilled.errorsUri ?? '')).toBe(await textOf(held.errorsUri ?? ''));
  }, 120_000);
});

describe('RowOrder', () => {
  const batch = (firstRow: number, rows: number): BatchLines => ({
    firstRow,
    rows,
    lines: `L${firstRow}`,
    errorLines: '',
    at: { key: 'f', start: firstRow, end: firstRow + 1 },
  });
  const run = async (order: number[][], skipped: [number, number][], window: number) => {
    const out: string[] = [];
    const ro = new RowOrder(
      async (b) => {
        out.push(b.lines ?? `reread ${b.firstRow}`);
      },
      new Map(skipped),
      window,
    );
    for (const [first, rows] of order) await ro.add(batch(first, rows));
    const beforeFinish = out.length;
    await ro.finish();
    return { out, beforeFinish };
  };
  it('emits in row order as soon as the rows before are out, across failed batches', async () => {
    const order = [
      [10, 10],
      [0, 10],
      [40, 5],
      [20, 10],
    ];
    expect(await run(order, [[30, 10]], 1000)).toEqual({ out: ['L0', 'L10', 'L20', 'L40'], beforeFinish: 4 });
  });
  it('drops the lines of the results furthest ahead past the window (re-read when due)', async () => {
    const order = [
      [30, 10],
      [20, 10],
      [10, 10],
      [0, 10],
    ];
    // Each holds 3 characters: the window keeps two of them.
    expect(await run(order, [], 6)).toEqual({ out: ['L0', 'L10', 'L20', 'reread 30'], beforeFinish: 4 });
  });
});
