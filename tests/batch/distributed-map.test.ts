import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBatchJob } from '../../core/batch/jobs.js';
import { startBatchJob } from '../../core/batch/start.js';
import { createBatchHandlers } from '../../lambdas/batch/handlers.js';
import { jsonBytes, STATE_DATA_LIMIT_BYTES } from '../../local/stepfunctions/data-limit.js';
import { createLocalStateMachine, type LocalStateMachine } from '../../local/stepfunctions/index.js';
import type { TestEmulators } from '../serving/emulators.js';
import { machineRunner, startTinyEndpoint, stoppedExecution } from './tiny-endpoint.js';

// The Distributed Map's failure semantics on the local runtime: the real ASL file, the real
// batch handlers, emulated S3 and DynamoDB. Faults are injected into ScoreBatch (said per test):
// one batch fails for good (tolerated or not), one is throttled once (retried).
let emu: TestEmulators;
let dataDir: string;
const BUCKET = 'cirrus-artifacts';
const ROWS = 1000;

/** A batch machine whose ScoreBatch first runs `fault` on the batch's first row number. */
function machineWith(fault: (firstRow: number) => void): LocalStateMachine {
  const handlers = createBatchHandlers(emu.deps);
  return createLocalStateMachine({
    definition: 'batch',
    dataDir,
    s3: emu.deps.s3,
    retryIntervalMs: 0,
    trainingJob: async () => ({}),
    handlers: {
      ...handlers,
      ScoreBatch: async (payload) => {
        fault((payload as { Items: { row: number }[] }).Items[0].row);
        return handlers.ScoreBatch(payload);
      },
    },
  });
}

async function run(
  machine: LocalStateMachine,
  toleratedFailurePercentage: number,
  source = { key: 'dm/in.csv', batchSize: 100 },
) {
  const job = await startBatchJob(emu.deps, machineRunner(machine), {
    endpoint: 'tiny',
    request: {
      input: `s3://${BUCKET}/${source.key}`,
      output: `s3://${BUCKET}/dm/out/`,
      batchSize: source.batchSize,
      toleratedFailurePercentage,
    },
  });
  const result = await stoppedExecution(machine, job.jobId);
  return { result, job: await getBatchJob(emu.deps, job.jobId) };
}

async function text(uri: string): Promise<string> {
  const { Body } = await emu.deps.s3.send(
    new GetObjectCommand({ Bucket: BUCKET, Key: uri.replace(`s3://${BUCKET}/`, '') }),
  );
  return (await Body?.transformToString()) ?? '';
}

beforeAll(async () => {
  ({ emu, dataDir } = await startTinyEndpoint('cirrus-dm-'));
  const lines = Array.from({ length: ROWS }, (_, i) => `${i % 7},${i % 2 ? 'red' : 'blue'},${i % 5}`);
  await emu.deps.s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: 'dm/in.csv', Body: `x1,color,x2\n${lines.join('\n')}\n` }),
  );
}, 60_000);
afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local Distributed Map: tolerated failures, the failed-batch manifest, retries', () => {
  it('tolerates one failed batch in ten at 20 %, lists it with its input in the manifest, and counts its rows', async () => {
    const { result, job } = await run(
      machineWith((row) => {
        if (row === 300) throw new Error('injected: this batch fails'); // fault injection
      }),
      20,
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      rows: { total: ROWS, scored: 900, invalid: 0, failed: 100 },
      batches: { total: 10, failed: 1 },
    });
    const manifest = JSON.parse(await text(job.manifestUri ?? ''));
    expect(manifest.ResultFiles.SUCCEEDED).toHaveLength(1);
    expect(manifest.ResultFiles.FAILED).toHaveLength(1);
    const failed = (await text(`s3://${BUCKET}/${manifest.ResultFiles.FAILED[0].Key}`))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ Status: 'FAILED', Error: 'Error' });
    expect(failed[0].Cause).toContain('injected');
    const input = JSON.parse(failed[0].Input);
    expect(input.Items).toHaveLength(100);
    expect(input.Items[0].row).toBe(300);
    const out = (await text(job.predictionsUri ?? '')).trim().split('\n');
    expect(out).toHaveLength(901); // header + 900 rows; rows 301-400 are missing
    expect(out.map((l) => l.split(',')[0])).not.toContain('301');
  });

  it('fails the job (MarkFailed) when failures exceed the tolerated percentage', async () => {
    const { result, job } = await run(
      machineWith((row) => {
        if (row === 300) throw new Error('injected: this batch fails'); // fault injection
      }),
      0,
    );
    expect(result.status).toBe('FAILED');
    expect(job.status).toBe('FAILED');
    expect(job.error).toContain('States.ExceedToleratedFailureThreshold');
  });

  it('retries a throttled batch (Lambda.TooManyRequestsException) and loses no row', async () => {
    let throttled = 0;
    const { job } = await run(
      machineWith((row) => {
        if (row === 500 && throttled++ === 0) {
          const e = new Error('Rate exceeded'); // fault injection: the Lambda service throttles once
          e.name = 'Lambda.TooManyRequestsException';
          throw e;
        }
      }),
      0,
    );
    expect(throttled).toBe(2);
    expect(job).toMatchObject({ status: 'SUCCEEDED', rows: { total: ROWS, scored: ROWS, failed: 0 } });
  });

  it('cuts batches by UTF-8 bytes under the state-data limit with the default batch settings', async () => {
    // Wide rows (a 600-byte non-feature column, 2 bytes per character): 1,000 rows need several
    // batches by bytes, and a batcher counting characters would overfill them.
    const note = 'é'.repeat(300);
    const lines = Array.from({ length: ROWS }, (_, i) => `${i % 7},red,${i % 5},${note}`);
    await emu.deps.s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'dm/wide.csv',
        Body: `x1,color,x2,note\n${lines.join('\n')}\n`,
      }),
    );
    const sizes: [number, number][] = [];
    const handlers = createBatchHandlers(emu.deps);
    const measuring = createLocalStateMachine({
      definition: 'batch',
      dataDir,
      s3: emu.deps.s3,
      retryIntervalMs: 0,
      trainingJob: async () => ({}),
      handlers: {
        ...handlers,
        ScoreBatch: async (payload) => {
          sizes.push([jsonBytes(payload), Buffer.byteLength(JSON.stringify(payload))]);
          return handlers.ScoreBatch(payload);
        },
      },
    });
    const { result, job } = await run(measuring, 0, { key: 'dm/wide.csv', batchSize: 1000 });
    expect(result.status).toBe('SUCCEEDED');
    expect(job).toMatchObject({ status: 'SUCCEEDED', rows: { total: ROWS, scored: ROWS, failed: 0 } });
    expect(sizes.length).toBeGreaterThan(2);
    for (const [remembered, actual] of sizes) {
      expect(remembered).toBe(actual); // the batcher's recorded size is the batch's JSON size
      expect(actual).toBeLessThanOrEqual(256_000);
    }
    expect(Math.max(...sizes.map(([, a]) => a))).toBeLessThan(STATE_DATA_LIMIT_BYTES);
  });
});
