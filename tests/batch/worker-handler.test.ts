import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvHeader, CsvRow } from '../../core/batch/csv-row.js';
import { getBatchJob } from '../../core/batch/jobs.js';
import { startBatchJob } from '../../core/batch/start.js';
import { setAlias } from '../../core/registry/aliases.js';
import { ensureEndpoint } from '../../core/serving/endpoints.js';
import { createBatchHandlers } from '../../lambdas/batch/handlers.js';
import { type Emulators, startEmulators } from '../../local/emulators/index.js';
import { createLocalStateMachine } from '../../local/stepfunctions/index.js';
import { fromWire, toWire, workerHandler } from '../../local/stepfunctions/worker-handler.js';
import { registerOnnx } from '../serving/fixtures/register.js';
import { regressorContract, tinyRegressorBytes } from '../serving/fixtures/tiny-models.js';

// Batch children on worker threads: the real batch state machine and ScoreBatch, real emulators
// (the workers open their own clients to them), real onnxruntime-node in every thread. The same
// job run in this thread and on two workers must write the same files.

describe('toWire / fromWire', () => {
  it('carries raw CSV rows as lines and gives back a JSON-equal payload with CsvRow values', () => {
    const header = CsvHeader.of(['a', 'b']) as CsvHeader;
    const payload = {
      BatchInput: { jobId: 'j' },
      Items: [
        { row: 0, values: header.row('1,2') },
        { row: 1, values: { a: 'x,y', b: '3' } },
        { row: 2, values: header.row('4,5') },
      ],
    };
    const wire = toWire(payload);
    expect(wire.raw?.lines).toEqual(['1,2', '4,5']);
    const back = fromWire(structuredClone(wire)) as typeof payload;
    expect(JSON.stringify(back)).toBe(JSON.stringify(payload));
    expect(back.Items[0].values).toBeInstanceOf(CsvRow);
    expect(back.Items[0].values).not.toBe(payload.Items[0].values);
    expect((back.Items[0].values as CsvRow).header).toBe((back.Items[2].values as CsvRow).header);
    expect(toWire({ Items: [{ row: 0, values: { a: '1' } }] }).raw).toBeUndefined();
  });
});

describe('ScoreBatch on worker threads', () => {
  let emu: Emulators;
  let dataDir: string;
  const BUCKET = 'cirrus-artifacts';
  const lines = Array.from({ length: 3000 }, (_, i) =>
    i % 97 === 5 ? `k${i},oops,1` : `k${i},${(i % 13) / 4},${-(i % 7)}`,
  );

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cirrus-workers-'));
    emu = await startEmulators({ dataDir });
    await registerOnnx(emu.deps, 'reg', tinyRegressorBytes(), regressorContract);
    await setAlias(emu.deps, {
      model: 'reg',
      alias: 'champion',
      version: 1,
      reason: 't',
      policy: 'manual',
      by: 't',
    });
    await ensureEndpoint(emu.deps, { model: 'reg' });
    await emu.deps.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'w/in.csv', Body: `key,a,b\n${lines.join('\n')}\n` }),
    );
  }, 60_000);
  afterAll(async () => {
    await emu?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function runJob(score?: (payload: unknown) => Promise<unknown>) {
    const handlers = createBatchHandlers(emu.deps);
    const machine = createLocalStateMachine({
      definition: 'batch',
      dataDir,
      s3: emu.deps.s3,
      trainingJob: async () => ({}),
      handlers: { ...handlers, ...(score ? { ScoreBatch: score } : {}) },
    });
    const runner = {
      start: async (_p: string, name: string, input: unknown) => ({
        executionId: (await machine.start(input, { name })).executionId,
      }),
      describe: async () => {
        throw new Error('not used');
      },
    };
    const started = await startBatchJob(emu.deps, runner, {
      endpoint: 'reg',
      request: {
        input: `s3://${BUCKET}/w/in.csv`,
        output: `s3://${BUCKET}/w/out/`,
        batchSize: 200,
        keyColumn: 'key',
      },
    });
    for (;;) {
      const r = await machine.getExecution(started.jobId);
      if (r && r.status !== 'RUNNING') break;
      await new Promise((done) => setTimeout(done, 50));
    }
    const job = await getBatchJob(emu.deps, started.jobId);
    const text = async (uri?: string) => {
      const Key = (uri ?? '').replace(`s3://${BUCKET}/`, '');
      const { Body } = await emu.deps.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
      return (await Body?.transformToString()) ?? '';
    };
    return { job, predictions: await text(job.predictionsUri), errors: await text(job.errorsUri) };
  }

  it('writes the same predictions and errors as the handler in this thread', async () => {
    const pool = await workerHandler({
      entry: new URL('../../local/stepfunctions/score-batch-worker.ts', import.meta.url),
      config: { endpoints: emu.endpoints, credentials: emu.credentials },
      threads: 2,
    });
    try {
      const here = await runJob();
      const there = await runJob(pool.handler);
      expect(there.job.status).toBe('SUCCEEDED');
      expect(there.job.rows).toEqual(here.job.rows);
      expect(there.job.rows?.invalid).toBe(lines.filter((l) => l.includes('oops')).length);
      expect(there.predictions).toBe(here.predictions);
      expect(there.errors).toBe(here.errors);
      // value = 2a + b + 1: row k1 has a = 0.25, b = -1
      expect(there.predictions.split('\n')[2]).toBe('k1,0.5,reg,1');
      // An error keeps its name and message across the thread.
      const bad = { BatchInput: { model: 'reg' }, Items: [] };
      const local = await createBatchHandlers(emu.deps)
        .ScoreBatch(bad)
        .catch((e: Error) => e);
      await expect(pool.handler(bad)).rejects.toMatchObject({
        name: (local as Error).name,
        message: (local as Error).message,
      });
    } finally {
      await pool.close();
    }
  }, 120_000);
});
