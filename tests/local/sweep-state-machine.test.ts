import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalPipelines, type LocalPipelines } from '../../local/stepfunctions/index.js';
import { createTrainingJobRunner } from '../../local/training-jobs/index.js';
import { FAKE_TRAINER } from './fixtures/trainer-command.js';
import { asPayload, createPipelineDoubles, type PipelineDoubles } from './pipeline-doubles.js';
import { type S3Emulator, startS3Emulator } from './s3-emulator.js';

// The real sweep ASL (Map state) on aws-local-stepfunctions, the real training-job runner with
// the fake trainer, a real s3rver; the Lambda handlers are test doubles.
let emulator: S3Emulator;

beforeAll(async () => {
  emulator = await startS3Emulator();
});
afterAll(async () => emulator?.close());

function pipelines(doubles: PipelineDoubles): LocalPipelines {
  const dataDir = join(emulator.scratch, 'data');
  return createLocalPipelines({
    dataDir,
    handlers: doubles.handlers,
    trainingJob: createTrainingJobRunner(
      { s3: emulator.s3, now: () => new Date() },
      { dataDir, trainerCommand: FAKE_TRAINER },
    ),
    retryIntervalMs: 0,
  });
}

/** A request whose `algorithm` is a list; per-algorithm hyperparameters nest under their names. */
const sweepRequest = (hyperparameters: Record<string, Record<string, string | number>>) => ({
  request: {
    experiment: 'iris',
    task: 'classification',
    algorithm: Object.keys(hyperparameters),
    dataset: { name: 'iris' },
    target: 'species',
    policy: 'best_score',
    hyperparameters,
  },
});

describe('training sweep state machine (local)', () => {
  it('trains every variant as its own manual run, then deploys the best with the request policy', async () => {
    const doubles = createPipelineDoubles(emulator);
    const { sweep } = pipelines(doubles);

    const result = await sweep.run(
      sweepRequest({
        logistic_regression: { fake_mode: 'ok', score: 0.8 },
        svc: { fake_mode: 'ok', score: 0.95 },
        decision_tree: { fake_mode: 'fail', fake_reason: 'depth' },
      }),
    );

    expect(result.status).toBe('SUCCEEDED');
    const validated = doubles.callsOf('Validate').map((c) => c.payload.request);
    expect(validated.map((r) => r.algorithm).sort()).toEqual(['decision_tree', 'logistic_regression', 'svc']);
    expect(validated.every((r) => r.policy === 'manual' && r.experiment === 'iris')).toBe(true);
    expect(doubles.callsOf('Register')).toHaveLength(2);
    expect(doubles.callsOf('MarkSucceeded')).toHaveLength(2);
    expect(doubles.callsOf('MarkFailed')).toHaveLength(1);
    expect(doubles.callsOf('ApplyPolicy')).toHaveLength(0);
    const picked = doubles.callsOf('PickBest');
    expect(picked).toHaveLength(1);
    expect(picked[0]!.payload.variants.map((v: { status: string }) => v.status)).toEqual([
      'SUCCEEDED',
      'SUCCEEDED',
      'FAILED',
    ]);
    const deployment = asPayload(result.output).deployment.Payload;
    expect(deployment.policy).toBe('best_score');
    const svcRun = picked[0]!.payload.variants[1].run.runId;
    expect(deployment.runId).toBe(svcRun);
    const history = await sweep.getExecution(result.executionId);
    expect(history!.events.filter((e) => e.type === 'MapIterationStarted')).toHaveLength(3);
  });

  it('fails the sweep when no variant succeeds', async () => {
    const doubles = createPipelineDoubles(emulator);
    const { sweep } = pipelines(doubles);

    const result = await sweep.run(sweepRequest({ svc: { fake_mode: 'fail' }, knn: { fake_mode: 'fail' } }));

    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(doubles.callsOf('MarkFailed')).toHaveLength(2);
    expect(doubles.callsOf('Register')).toHaveLength(0);
  });
});
