import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBatchJob } from '../../core/batch/jobs.js';
import { startBatchJob } from '../../core/batch/start.js';
import { createBatchHandlers } from '../../lambdas/batch/handlers.js';
import { createLocalStateMachine, type LocalStateMachine } from '../../local/stepfunctions/index.js';
import type { TestEmulators } from '../serving/emulators.js';
import { machineRunner, startTinyEndpoint, stoppedExecution } from './tiny-endpoint.js';

// JSON Lines lines that are JSON but not objects, through the real batch-predict.asl.json on the
// local interpreter with the real batch handlers, emulated S3 and DynamoDB, real onnxruntime.
let emu: TestEmulators;
let dataDir: string;
let machine: LocalStateMachine;
const BUCKET = 'cirrus-artifacts';

async function text(uri: string): Promise<string> {
  const key = uri.replace(`s3://${BUCKET}/`, '');
  const { Body } = await emu.deps.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await Body?.transformToString()) ?? '';
}

async function runJob(input: string, body: string) {
  await emu.deps.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: input, Body: body }));
  const job = await startBatchJob(emu.deps, machineRunner(machine), {
    endpoint: 'tiny',
    request: { input: `s3://${BUCKET}/${input}`, output: `s3://${BUCKET}/jl/out/`, batchSize: 3 },
  });
  await stoppedExecution(machine, job.jobId);
  return getBatchJob(emu.deps, job.jobId);
}

beforeAll(async () => {
  ({ emu, dataDir } = await startTinyEndpoint('cirrus-jl-'));
  machine = createLocalStateMachine({
    definition: 'batch',
    dataDir,
    s3: emu.deps.s3,
    retryIntervalMs: 0,
    trainingJob: async () => ({}),
    handlers: createBatchHandlers(emu.deps),
  });
}, 60_000);
afterAll(async () => {
  await emu?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('JSON Lines lines that are not objects', () => {
  it('sends [1,2], 3, "x" and null to the errors file with their row number and reason; the job succeeds', async () => {
    const ok = (i: number) => JSON.stringify({ x1: i, color: 'red', x2: 1 });
    const lines = [ok(1), '[1,2]', ok(3), '3', '"x"', ok(6), 'null', ok(8)];
    const job = await runJob('jl/in/mixed.jsonl', `${lines.join('\n')}\n`);
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      rows: { total: 8, scored: 4, invalid: 4, failed: 0 },
      batches: { total: 3, failed: 0 },
    });
    expect((await text(job.errorsUri ?? '')).trim().split('\n')).toEqual([
      'row,reason',
      '2,must be a JSON object (got an array)',
      '4,must be a JSON object (got a number)',
      '5,must be a JSON object (got a string)',
      '7,must be a JSON object (got null)',
    ]);
    const keys = (await text(job.predictionsUri ?? ''))
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { key: number }).key);
    expect(keys).toEqual([1, 3, 6, 8]);
  });

  it('fails the job on a line that is not JSON at all, naming the object and line (the ItemReader fails)', async () => {
    const job = await runJob(
      'jl/in/broken.jsonl',
      `${JSON.stringify({ x1: 1, color: 'red', x2: 1 })}\n{"x1": \n`,
    );
    expect(job.status).toBe('FAILED');
    expect(job.error).toContain('jl/in/broken.jsonl line 2: not valid JSON');
  });
});
