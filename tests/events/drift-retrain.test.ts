import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredDriftReport } from '../../contracts/drift.js';
import type { PredictionLogRecord } from '../../contracts/serving.js';
import { loadBuiltinDataset } from '../../core/datasets/index.js';
import { runDriftEvaluation } from '../../core/drift/index.js';
import { type RetrainResult } from '../../core/pipeline/retrain.js';
import { submitTraining } from '../../core/pipeline/submit-training.js';
import { getAlias } from '../../core/registry/aliases.js';
import { listModelVersions } from '../../core/registry/versions.js';
import { PredictionLogWriter } from '../../core/serving/prediction-log.js';
import { getRun } from '../../core/tracking/runs.js';
import { createPipelineHandlers } from '../../lambdas/pipeline/handlers.js';
import { type Emulators, startEmulators } from '../../local/emulators/index.js';
import { createLocalEvents, type LocalEvents } from '../../local/events/index.js';
import { type LocalPipelineRunner, localPipelineRunner } from '../../local/pipeline-runner.js';
import { createLocalPipelines } from '../../local/stepfunctions/index.js';
import { createTrainingJobRunner } from '../../local/training-jobs/index.js';

// Everything real: emulators, the training ASL on the local interpreter, the pipeline handlers,
// the trainer process (training/main.ts), onnxruntime in Evaluate, and the event rules of
// core/events routed by the local bus. Nothing is mocked.
let scratch: string;
let emulators: Emulators;
let runner: LocalPipelineRunner;
let events: LocalEvents;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cirrus-drift-retrain-'));
  emulators = await startEmulators({ dataDir: join(scratch, 'emulators') });
  const { deps } = emulators;
  const dataDir = join(scratch, 'data');
  let started: LocalPipelineRunner | undefined;
  events = createLocalEvents({
    deps,
    dataDir,
    retryDelayMs: 10,
    runner: {
      start: (...args) => started!.start(...args),
      describe: (id) => started!.describe(id),
    },
  });
  const pipelines = createLocalPipelines({
    dataDir,
    handlers: createPipelineHandlers(deps, { events: events.publisher }),
    trainingJob: createTrainingJobRunner(deps, { dataDir }),
    retryIntervalMs: 0,
  });
  runner = started = localPipelineRunner(pipelines);
});

afterAll(async () => {
  await events?.scheduler.stop();
  await runner?.drain();
  await emulators?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const request = {
  experiment: 'iris',
  task: 'classification' as const,
  algorithm: 'logistic_regression',
  dataset: { name: 'iris' },
  target: 'target',
  seed: 1,
};

/** Iris-like rows with petal_length pushed far from the training data: drift. */
function shiftedTraffic(): PredictionLogRecord[] {
  return Array.from({ length: 40 }, (_, i) => {
    const inputs = Array.from({ length: 5 }, (_, j) => ({
      'sepal length (cm)': 5 + ((i + j) % 10) / 5,
      'sepal width (cm)': 3 + ((i * 3 + j) % 7) / 10,
      'petal length (cm)': 8 + ((i + 2 * j) % 9) / 4,
      'petal width (cm)': 2.5 + ((i + j) % 5) / 10,
    }));
    return {
      requestId: `req-${i}`,
      endpoint: 'iris',
      model: 'iris',
      version: 1,
      variant: 'champion',
      shadow: false,
      inputs,
      outputs: inputs.map(() => ({ label: '2' })),
      rowCount: inputs.length,
      latencyMs: 1,
      at: new Date(Date.now() - 60_000 + i).toISOString(),
    };
  });
}

describe('drift → ModelDriftDetected → retraining of the champion, offline', () => {
  let report: StoredDriftReport;

  it('trains the first champion through the real pipeline', async () => {
    const { deps } = emulators;
    await loadBuiltinDataset(deps, 'iris');
    const { executionId } = await submitTraining({ ...deps, pipelines: runner }, request, 'api');
    const done = await runner.wait(executionId);
    expect(done, JSON.stringify(done)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await getAlias(deps, { model: 'iris', alias: 'champion' })).version).toBe(1);
  });

  it('a later request (svc, policy manual) registers v2 without serving it: the last request is not the champion', async () => {
    const { deps } = emulators;
    const later = { ...request, algorithm: 'svc', policy: 'manual' as const };
    const { executionId } = await submitTraining({ ...deps, pipelines: runner }, later, 'api');
    expect(await runner.wait(executionId)).toMatchObject({ status: 'SUCCEEDED' });
    expect((await getAlias(deps, { model: 'iris', alias: 'champion' })).version).toBe(1);
  });

  it('a drift report publishes the event, and the rule starts a retraining run linked to it', async () => {
    const { deps } = emulators;
    const log = new PredictionLogWriter(deps);
    for (const record of shiftedTraffic()) log.log(record);
    await log.flush();

    report = await runDriftEvaluation(deps, events.publisher, { endpoint: 'iris' });
    expect(report.status).toBe('ok');
    expect(report.features.find((f) => f.name === 'petal length (cm)')).toMatchObject({
      test: 'ks',
      drifted: true,
    });
    expect(report.driftDetected).toBe(true);
    expect(report.event).toBe('published');

    await events.bus.idle();
    const [delivery] = events.bus.deliveries;
    expect(delivery).toMatchObject({ rule: 'DriftDetected', status: 'succeeded' });
    expect(delivery.event).toMatchObject({
      source: 'cirrus',
      'detail-type': 'ModelDriftDetected',
      detail: {
        endpoint: 'iris',
        model: 'iris',
        version: 1,
        reportUri: report.reportUri,
        experiment: 'iris',
      },
    });
    const { runId, executionId, request: replayed, replays } = delivery.result as RetrainResult;
    expect(replayed.triggeredBy).toBe(report.reportUri);
    // The serving champion's configuration is retrained, not the experiment's last request (svc).
    expect(replays).toMatch(/^champion v1 \(run /);
    expect(replayed.algorithm).toBe('logistic_regression');

    const execution = await runner.wait(executionId);
    expect(execution.status).toBe('SUCCEEDED');
    const run = await getRun(deps, { runId });
    expect(run.triggeredBy).toBe(report.reportUri);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.experiment).toBe('iris');
    expect(run.algorithm).toBe('logistic_regression');
    const versions = await listModelVersions(deps, { model: 'iris' });
    expect(versions.map((v) => v.runId)).toContain(runId);
  });
});
