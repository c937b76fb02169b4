import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../contracts/tracking.js';
import { parseS3Uri } from '../../core/artifacts/index.js';
import { BUILTIN_DATASETS_DIR, registerDataset } from '../../core/datasets/index.js';
import { CirrusError } from '../../core/errors.js';
import { describeTaskError } from '../../core/pipeline/task-error.js';
import { getExperiment, listRuns } from '../../core/tracking/index.js';
import type { ExecutionResult } from '../../local/stepfunctions/index.js';
import { StatesError } from '../../local/stepfunctions/states-error.js';
import { describeTrainingJob } from '../../local/training-jobs/index.js';
import {
  championOf,
  fixtureTrainer,
  newRunOf,
  outputOf,
  trainingRequest,
  usePipelineHarness,
  versionsOf,
} from './harness.js';

// Faults through the real training.asl.json and the real handlers on dynalite + s3rver. The
// trainer is real except where a fixture trainer plays the fault (tests/pipeline/fixtures).
const harness = usePipelineHarness();
const EXPERIMENT = 'faults';

beforeAll(async () => {
  const csv = await readFile(join(BUILTIN_DATASETS_DIR, 'iris.csv'));
  await registerDataset(harness.deps(), { name: 'flowers', csv });
  const result = await harness.pipelines().submit(request());
  expect(result.status).toBe('SUCCEEDED');
  expect(await championOf(harness.deps(), EXPERIMENT)).toBe(1);
});

function request(overrides: Record<string, unknown> = {}) {
  return trainingRequest({ experiment: EXPERIMENT, dataset: { name: 'flowers' }, ...overrides });
}

/** The execution failed, its run is FAILED with `reason`, nothing was registered or promoted. */
async function expectFailedRun(result: ExecutionResult, before: readonly Run[], reason: RegExp) {
  const deps = harness.deps();
  expect(result.status).toBe('FAILED');
  const run = await newRunOf(deps, EXPERIMENT, before);
  expect(run.status).toBe('FAILED');
  expect(run.error).toMatch(reason);
  expect(run.statusHistory.map((s) => s.status)).toEqual(['QUEUED', 'RUNNING', 'FAILED']);
  expect(run.statusHistory.at(-1)?.reason).toBe(run.error);
  expect(outputOf(result).registration).toBeUndefined();
  expect((await versionsOf(deps, EXPERIMENT)).map((v) => v.version)).toEqual([1]);
  expect(await championOf(deps, EXPERIMENT)).toBe(1);
}

const runsNow = async () => (await listRuns(harness.deps(), { experiment: EXPERIMENT })).runs;

describe('a training run that fails', () => {
  it('records the failure file of a trainer that exits non-zero', async () => {
    const before = await runsNow();
    const { submit } = harness.pipelines({ trainerCommand: fixtureTrainer('failing-trainer.mjs') });

    const result = await submit(request());

    expect(result.error).toBe('States.TaskFailed');
    await expectFailedRun(
      result,
      before,
      /^States\.TaskFailed: AlgorithmError: RuntimeError: the solver diverged \(failing-trainer fixture\) \(exit code 2\)$/,
    );
  });

  it('fails in Evaluate when the trainer wrote a corrupt model.onnx', async () => {
    const before = await runsNow();
    const { training, submit } = harness.pipelines({
      trainerCommand: fixtureTrainer('corrupting-trainer.mjs'),
    });

    const result = await submit(request());

    const failedState = (await training.getExecution(result.executionId))?.events.find(
      (e) => e.type === 'StateFailed',
    );
    expect(failedState?.stateName).toBe('Evaluate');
    await expectFailedRun(result, before, /^ValidationError: model\.onnx: onnxruntime cannot load it/);
  });

  it('fails in Prepare when the dataset is deleted after Validate', async () => {
    const before = await runsNow();
    let deleted = '';
    const pipelines = harness.pipelines({
      wrap: {
        Validate: (real) => async (payload) => {
          const out = (await real(payload)) as { dataset: { uri: string } };
          deleted = out.dataset.uri;
          const { bucket, key } = parseS3Uri(deleted);
          await harness.deps().s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
          return out;
        },
      },
    });

    const result = await pipelines.submit(request());

    expect(deleted).toMatch(/\/datasets\/flowers\/[0-9a-f]{64}\/data\.csv$/);
    await expectFailedRun(result, before, new RegExp(`^NotFoundError: artifact '${deleted}' not found$`));
    expect(pipelines.jobsStarted()).toBe(0);
  });

  it('leaves the pipeline serving: the next run succeeds', async () => {
    const iris = await readFile(join(BUILTIN_DATASETS_DIR, 'iris.csv'));
    await registerDataset(harness.deps(), { name: 'flowers-again', csv: iris });

    const result = await harness
      .pipelines()
      .submit(request({ algorithm: 'naive_bayes', dataset: { name: 'flowers-again' } }));

    expect(result.status).toBe('SUCCEEDED');
    expect(outputOf(result).registration.Payload.version).toBe(2);
  });
});

describe('a Train attempt that fails after its job was created', () => {
  it('is retried under a new job name (SageMaker never accepts a name twice) and the run succeeds', async () => {
    const iris = await readFile(join(BUILTIN_DATASETS_DIR, 'iris.csv'));
    await registerDataset(harness.deps(), { name: 'flowers-retry', csv: iris });
    const names: string[] = [];
    const pipelines = harness.pipelines({
      wrapTrainingJob: (real) => async (request) => {
        names.push((request as { TrainingJobName: string }).TrainingJobName);
        const job = await real(request);
        // The job exists (and completed), but the first answer is lost: what a retry must survive.
        if (names.length === 1)
          throw new StatesError('SageMaker.AmazonSageMakerException', 'InternalFailure (fault injection)');
        return job;
      },
    });

    const result = await pipelines.submit(
      request({ algorithm: 'naive_bayes', dataset: { name: 'flowers-retry' } }),
    );

    expect(result.status, result.cause).toBe('SUCCEEDED');
    const runId = outputOf(result).run.Payload.runId;
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(name).toMatch(new RegExp(`^cirrus-${runId}-[0-9a-f]{8}$`));
      expect(name.length).toBeLessThanOrEqual(63);
      expect((await describeTrainingJob(harness.dataDir(), name))?.TrainingJobStatus).toBe('Completed');
    }
    expect(names[1]).not.toBe(names[0]);
    expect(outputOf(result).training.TrainingJobName).toBe(names[1]);
    const retried = (await pipelines.training.getExecution(result.executionId))?.events.filter(
      (e) => e.type === 'StateRetried',
    );
    expect(retried?.map((e) => e.stateName)).toEqual(['Train']);
  });
});

describe('the submission refuses a bad request before any run or training job', () => {
  it.each([
    [
      'an unknown algorithm',
      { algorithm: 'quantum_forest' },
      'algorithm',
      /unknown algorithm 'quantum_forest'/,
    ],
    [
      'an algorithm of another task',
      { algorithm: 'linear_regression' },
      'algorithm',
      /does not support task/,
    ],
    ['a missing target', { target: undefined }, 'target', /required for task 'classification'/],
    [
      'a target the dataset lacks',
      { target: 'species' },
      'target',
      /no column 'species' in dataset 'flowers'/,
    ],
    ['a test size of 1.5', { testSize: 1.5 }, 'testSize', /too big/i],
    ['a bad hyperparameter', { hyperparameters: { max_iter: -3 } }, 'hyperparameters.max_iter', /./],
  ])('refuses %s, naming the field', async (_what, overrides, field, message) => {
    const pipelines = harness.pipelines();

    const error = await pipelines.submit(request({ experiment: 'refused', ...overrides })).catch((e) => e);

    expect(error).toBeInstanceOf(CirrusError);
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: `), error.message).toBe(true);
    expect(error.message).toMatch(message);
    // One check, one status: a column the dataset lacks is unusable (422), as a missing dataset is.
    expect(error.status).toBe((overrides as { target?: string }).target ? 422 : 400);
    expect(pipelines.jobsStarted()).toBe(0);
    await expect(getExperiment(harness.deps(), { name: 'refused' })).rejects.toThrow(
      "experiment 'refused' not found",
    );
  });

  it("refuses a custom trainer hyperparameter over SageMaker's 2,500 characters, naming it, before any job", async () => {
    const iris = await readFile(join(BUILTIN_DATASETS_DIR, 'iris.csv'));
    await registerDataset(harness.deps(), { name: 'flowers-long', csv: iris });
    const pipelines = harness.pipelines();

    const result = await pipelines.submit(
      request({
        experiment: 'long-param',
        dataset: { name: 'flowers-long' },
        trainer: { command: [process.execPath, '-e', '0'] },
        hyperparameters: { note: 'n'.repeat(2501) },
      }),
    );

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ValidationError');
    const { reason } = describeTaskError({ Error: result.error, Cause: result.cause });
    expect(reason).toMatch(
      /^hyperparameters\.note: 2501 characters; SageMaker allows at most 2500 per value$/,
    );
    expect(pipelines.jobsStarted()).toBe(0);
  });

  it('refuses a dataset that does not exist, naming it', async () => {
    const pipelines = harness.pipelines();

    const error = await pipelines.submit(request({ dataset: { name: 'nowhere' } })).catch((e) => e);

    expect(error).toMatchObject({ name: 'UnprocessableError', status: 422, field: 'dataset.name' });
    expect(error.message).toBe(
      "dataset.name: dataset 'nowhere' not found (register it with POST /v1/datasets)",
    );
    expect(pipelines.jobsStarted()).toBe(0);
  });
});
