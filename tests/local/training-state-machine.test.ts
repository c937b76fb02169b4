import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalPipelines, type LocalPipelines } from '../../local/stepfunctions/index.js';
import { createTrainingJobRunner } from '../../local/training-jobs/index.js';
import type { LambdaTask } from '../../statemachines/substitutions.js';
import { FAKE_TRAINER } from './fixtures/trainer-command.js';
import { asPayload, createPipelineDoubles, type PipelineDoubles } from './pipeline-doubles.js';
import { type S3Emulator, startS3Emulator } from './s3-emulator.js';

// The real ASL file, the real aws-local-stepfunctions interpreter, the real training-job runner
// (fake trainer process) and a real s3rver; only the Lambda handlers are test doubles.
let emulator: S3Emulator;
const dataDir = () => join(emulator.scratch, 'data');

beforeAll(async () => {
  emulator = await startS3Emulator();
});
afterAll(async () => emulator?.close());

function pipelines(doubles: PipelineDoubles): LocalPipelines {
  const deps = { s3: emulator.s3, now: () => new Date() };
  return createLocalPipelines({
    dataDir: dataDir(),
    handlers: doubles.handlers,
    trainingJob: createTrainingJobRunner(deps, { dataDir: dataDir(), trainerCommand: FAKE_TRAINER }),
    retryIntervalMs: 0,
  });
}

const request = (overrides: Record<string, unknown> = {}) => ({
  experiment: 'iris',
  task: 'classification',
  algorithm: 'logistic_regression',
  dataset: { name: 'iris' },
  target: 'species',
  hyperparameters: { fake_mode: 'ok', max_iter: 100 },
  policy: 'best_score',
  ...overrides,
});

const tasks = (doubles: PipelineDoubles): LambdaTask[] => doubles.calls.map((c) => c.task);

describe('training state machine (local)', () => {
  it('runs every step to Succeed and accumulates each result under its ResultPath', async () => {
    const doubles = createPipelineDoubles(emulator);
    const { training } = pipelines(doubles);

    const result = await training.run({ request: request() });

    expect(result.status).toBe('SUCCEEDED');
    expect(tasks(doubles)).toEqual([
      'Validate',
      'Prepare',
      'Evaluate',
      'Register',
      'ApplyPolicy',
      'MarkSucceeded',
    ]);
    const output = asPayload(result.output);
    const runId = output.run.Payload.runId;
    const job: string = output.training.TrainingJobName;
    expect(job).toMatch(new RegExp(`^cirrus-${runId}-[0-9a-f]{8}$`));
    expect(output.training).toEqual({
      TrainingJobName: job,
      TrainingJobArn: `arn:aws:sagemaker:us-east-1:000000000000:training-job/${job}`,
      TrainingJobStatus: 'Completed',
      S3ModelArtifacts: `s3://${emulator.bucket}/runs/${runId}/jobs/${job}/output/model.tar.gz`,
    });
    expect(output.evaluation.Payload.archiveBytes).toBeGreaterThan(0);
    expect(Object.keys(output)).toEqual(
      expect.arrayContaining(['prepared', 'registration', 'deployment', 'completion']),
    );
    expect(output.deployment.Payload).toEqual({ policy: 'best_score', promoted: true });
  });

  it('marks the run FAILED with the trainer failure reason and registers nothing', async () => {
    const doubles = createPipelineDoubles(emulator);
    const { training } = pipelines(doubles);

    const result = await training.run({
      request: request({ hyperparameters: { fake_mode: 'fail', fake_reason: 'no rows' } }),
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.TaskFailed');
    expect(tasks(doubles)).toEqual(['Validate', 'Prepare', 'MarkFailed']);
    const markFailed = doubles.callsOf('MarkFailed')[0]!.payload;
    expect(markFailed.error.Error).toBe('States.TaskFailed');
    expect(JSON.parse(markFailed.error.Cause).FailureReason).toBe(
      'AlgorithmError: ValidationError: no rows (exit code 1)',
    );
    expect(markFailed.run.Payload.runId).toBeDefined();
  });

  it('retries a transient Lambda error and carries on', async () => {
    let failures = 0;
    const doubles = createPipelineDoubles(emulator, {
      Register: async () => {
        failures += 1;
        if (failures <= 2)
          throw Object.assign(new Error('Rate exceeded'), { name: 'Lambda.TooManyRequestsException' });
        return { model: 'iris', version: 7 };
      },
    });
    const { training } = pipelines(doubles);

    const result = await training.run({ request: request() });

    expect(result.status).toBe('SUCCEEDED');
    expect(doubles.callsOf('Register')).toHaveLength(3);
    expect(doubles.callsOf('MarkFailed')).toHaveLength(0);
    const history = await training.getExecution(result.executionId);
    const retried = history!.events.filter((e) => e.type === 'StateRetried');
    expect(retried.map((e) => e.stateName)).toEqual(['Register', 'Register']);
  });

  it('does not retry a function error; Catch sends it to MarkFailed with the error name and message', async () => {
    const doubles = createPipelineDoubles(emulator);
    const { training } = pipelines(doubles);

    const result = await training.run({ request: request({ dataset: undefined }) });

    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(tasks(doubles)).toEqual(['Validate', 'MarkFailed']);
    const cause = JSON.parse(doubles.callsOf('MarkFailed')[0]!.payload.error.Cause);
    expect(cause.errorType).toBe('ValidationError');
    expect(cause.errorMessage).toMatch(/^request\.dataset: /);
  });

  it('routes the ab_test policy to StartAbTest', async () => {
    const doubles = createPipelineDoubles(emulator);
    const { training } = pipelines(doubles);

    const result = await training.run({ request: request({ policy: 'ab_test' }) });

    expect(result.status).toBe('SUCCEEDED');
    expect(doubles.callsOf('StartAbTest')).toHaveLength(1);
    expect(doubles.callsOf('ApplyPolicy')).toHaveLength(0);
  });

  it('fails an unknown policy without deploying', async () => {
    const doubles = createPipelineDoubles(emulator);
    const { training } = pipelines(doubles);

    const result = await training.run({ request: request({ policy: 'yolo' }) });

    expect(result).toMatchObject({ status: 'FAILED', error: 'ValidationError' });
    expect(doubles.callsOf('ApplyPolicy')).toHaveLength(0);
    expect(doubles.callsOf('MarkFailed')).toHaveLength(1);
  });
});

describe('training executions', () => {
  it('returns the execution id at once and records the history as the run proceeds', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const doubles = createPipelineDoubles(emulator, {
      Validate: async (p) => {
        await gate;
        return { runId: `gated${process.pid}`, experiment: 'iris', input: p };
      },
    });
    const { training, executions } = pipelines(doubles);

    const started = await training.start({ request: request() }, { name: 'exec-gated' });
    const whileRunning = await training.getExecution('exec-gated');
    release();
    const result = await started.done;

    expect(started.executionArn).toBe(
      'arn:aws:states:us-east-1:000000000000:execution:cirrus-training:exec-gated',
    );
    expect(whileRunning?.status).toBe('RUNNING');
    expect(result.status).toBe('SUCCEEDED');
    const record = await executions.get('exec-gated');
    expect(record?.status).toBe('SUCCEEDED');
    expect(record?.events.filter((e) => e.type === 'StateEntered').map((e) => e.stateName)).toEqual([
      'Validate',
      'Prepare',
      'ChooseTrainer',
      'UseCirrusTrainer',
      'Train',
      'Evaluate',
      'Register',
      'DeployPolicy',
      'ApplyPolicy',
      'MarkSucceeded',
      'Succeeded',
    ]);
    expect(existsSync(join(dataDir(), 'executions', 'exec-gated.json'))).toBe(true);
    expect((await training.listExecutions()).map((e) => e.executionId)).toContain('exec-gated');
    await expect(training.start({ request: request() }, { name: 'exec-gated' })).rejects.toThrow(
      /ExecutionAlreadyExists/,
    );
  });
});
