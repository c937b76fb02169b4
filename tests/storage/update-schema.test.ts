import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { BatchJob } from '../../contracts/batch.js';
import type { ModelVersionStatus } from '../../contracts/registry.js';
import type { AbTestRecord, TrafficConfig } from '../../contracts/serving.js';
import { attachAbTest, detachAbTest } from '../../core/abtest/endpoint-traffic.js';
import {
  addArmScores,
  getAbTest,
  overrideAbTestOutcome,
  putAbTest,
  updateRunningAbTest,
} from '../../core/abtest/store.js';
import { createBatchJob, finishBatchJob, getBatchJob } from '../../core/batch/jobs.js';
import { ValidationError } from '../../core/errors.js';
import { allocateVersion, getModel } from '../../core/registry/models.js';
import {
  getModelVersion,
  registerModelVersion,
  setModelVersionStatus,
} from '../../core/registry/versions.js';
import { ensureEndpoint, getEndpoint } from '../../core/serving/endpoints.js';
import { checkUpdate } from '../../core/storage/checked-update.js';
import {
  createExperiment,
  createRun,
  getRun,
  recordRunResults,
  transitionRun,
} from '../../core/tracking/index.js';
import { testClock, useEmulators } from '../emulators/harness.js';
import { versionInput } from '../registry/fixtures.js';

// Real dynalite: each refused update must leave the stored record as its reader last saw it.
const clock = testClock('2030-01-01T00:00:00.000Z');
const { deps } = useEmulators({ now: clock.now });

const Record = z.object({
  name: z.string().min(1),
  tags: z.record(z.string(), z.string().startsWith('s3://')).default({}),
  note: z.string().optional(),
});

describe('checkUpdate', () => {
  it('checks each set value against its field schema, dotted paths into maps, and removals', () => {
    expect(() =>
      checkUpdate(Record, { set: { name: 'a', 'tags.model': 's3://b/k', note: undefined } }),
    ).not.toThrow();
    expect(() => checkUpdate(Record, { set: { name: '' } })).toThrow(/^name: /);
    expect(() => checkUpdate(Record, { set: { 'tags.model': 'http://x' } })).toThrow(/^tags\.model: /);
    expect(() => checkUpdate(Record, { set: { tags: { model: 'http://x' } } })).toThrow(/^tags\.model: /);
    expect(() => checkUpdate(Record, { set: {}, remove: ['note'] })).not.toThrow();
    expect(() => checkUpdate(Record, { set: {}, remove: ['name'] })).toThrow(
      'name: is required; it cannot be removed',
    );
  });

  it('refuses numbers DynamoDB cannot store and fields the reader would drop', () => {
    const Numbers = z.object({ score: z.number() });
    expect(() => checkUpdate(Numbers, { set: { score: 1e-200 } })).toThrow(ValidationError);
    expect(() => checkUpdate(Numbers, { set: { score: 1e-200 } })).toThrow(/^score: 1e-200 cannot be stored/);
    expect(() => checkUpdate(Numbers, { set: { scor: 1 } })).toThrow(/'scor' is not a field/);
  });
});

const SHA = 'a'.repeat(64);
const traffic = (weight: number): TrafficConfig => ({
  variants: [{ name: 'champion', version: 1, weight }],
  shadows: [],
});

function abTest(endpoint: string, testId: string): AbTestRecord {
  return {
    testId,
    endpoint,
    model: endpoint,
    championVersion: 1,
    challengerVersion: 2,
    metric: 'accuracy',
    split: 50,
    minSamples: 10,
    maxSamples: 100,
    alpha: 0.05,
    state: 'running',
    decision: 'running',
    reason: 'started',
    pValue: 1,
    championN: 0,
    championSum: 0,
    championSumSquares: 0,
    challengerN: 0,
    challengerSum: 0,
    challengerSumSquares: 0,
    startedAt: clock.now().toISOString(),
  };
}

/** Expects a 400 naming `field`. */
async function refused(write: Promise<unknown>, field: string): Promise<void> {
  await expect(write).rejects.toBeInstanceOf(ValidationError);
  await expect(write).rejects.toMatchObject({ status: 400, field });
}

describe('every UpdateItem in core/ is checked against its reader’s schema before it is sent', () => {
  it('A/B tests: arm scores, looks and outcomes', async () => {
    await putAbTest(deps(), abTest('ab', 't1'));
    await refused(addArmScores(deps(), 'ab', 't1', 'champion', [-1]), 'championSum');
    await refused(addArmScores(deps(), 'ab', 't1', 'challenger', [Number.NaN]), 'challengerSum');
    const look = { pValue: 0.5, decision: 'running', reason: 'look' } as const;
    await refused(
      updateRunningAbTest(deps(), 'ab', 't1', { ...look, decision: 'maybe' as 'running' }),
      'decision',
    );
    await refused(updateRunningAbTest(deps(), 'ab', 't1', { ...look, pValue: 1e-300 }), 'pValue');
    await refused(overrideAbTestOutcome(deps(), 'ab', 't1', 'x', 'gone' as 'stopped'), 'state');
    const stored = await getAbTest(deps(), 'ab', 't1');
    expect(stored).toMatchObject({ championSum: 0, challengerSum: 0, decision: 'running', state: 'running' });
    await expect(addArmScores(deps(), 'ab', 't1', 'champion', [1, 0])).resolves.toMatchObject({
      championN: 2,
    });
  });

  it('endpoints: attaching and detaching a test with traffic its reader rejects', async () => {
    await ensureEndpoint(deps(), { model: 'ep' });
    const before = await getEndpoint(deps(), 'ep');
    await refused(attachAbTest(deps(), before, 't1', traffic(50)), 'traffic.variants');
    expect(await getEndpoint(deps(), 'ep')).toEqual(before);
    await attachAbTest(deps(), before, 't1', traffic(100));
    await refused(detachAbTest(deps(), 'ep', 't1', traffic(30)), 'traffic.variants');
    expect(await getEndpoint(deps(), 'ep')).toMatchObject({ abTestId: 't1', traffic: traffic(100) });
  });

  it('registry: a model counter under a bad name, a version status outside the enum', async () => {
    await refused(allocateVersion(deps(), { model: 'bad name!' }), 'name');
    await expect(getModel(deps(), { model: 'bad name!' })).rejects.toMatchObject({ status: 404 });
    await refused(allocateVersion(deps(), { model: 'ok', description: 'd'.repeat(2001) }), 'description');
    await expect(getModel(deps(), { model: 'ok' })).rejects.toMatchObject({ status: 404 });
    await registerModelVersion(deps(), versionInput('reg', 0.9));
    const status = 'RETIRED' as ModelVersionStatus;
    await refused(setModelVersionStatus(deps(), { model: 'reg', version: 1, status }), 'status');
    expect((await getModelVersion(deps(), { model: 'reg', version: 1 })).status).toBe('READY');
  });

  it('runs: results DynamoDB cannot store, with or without a status change', async () => {
    await createExperiment(deps(), { name: 'exp', task: 'classification' });
    await createRun(deps(), {
      id: 'r1',
      experiment: 'exp',
      algorithm: 'logistic_regression',
      dataset: { name: 'iris', version: SHA, target: 'target' },
      split: { strategy: 'stratified', testSize: 0.25, seed: 0 },
    });
    await refused(
      transitionRun(deps(), { runId: 'r1', status: 'RUNNING', reason: 'go', results: { score: 1e-200 } }),
      'score',
    );
    await refused(
      recordRunResults(deps(), { runId: 'r1', metrics: { accuracy: 1e300 } }),
      'metrics.accuracy',
    );
    const run = await getRun(deps(), { runId: 'r1' });
    expect(run.status).toBe('QUEUED');
    expect(run.score).toBeUndefined();
    expect(run.metrics).toBeUndefined();
  });

  it('batch jobs: an end status outside the enum', async () => {
    const job: BatchJob = {
      jobId: 'j1',
      endpoint: 'ep',
      model: 'ep',
      version: 1,
      status: 'RUNNING',
      input: 's3://b/in.csv',
      output: 's3://b/out/',
      format: 'csv',
      outputFormat: 'csv',
      maxConcurrency: 2,
      batchSize: 100,
      toleratedFailurePercentage: 0,
      executionId: 'x',
      createdAt: clock.now().toISOString(),
    };
    await createBatchJob(deps(), job);
    const at = clock.now().toISOString();
    await refused(finishBatchJob(deps(), 'j1', { status: 'DONE' as 'SUCCEEDED', finishedAt: at }), 'status');
    await refused(
      finishBatchJob(deps(), 'j1', { status: 'FAILED', finishedAt: at, durationMs: -5 }),
      'durationMs',
    );
    expect((await getBatchJob(deps(), 'j1')).status).toBe('RUNNING');
  });
});
