import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltinDataset } from '../../core/datasets/index.js';
import { submitTraining } from '../../core/pipeline/submit-training.js';
import { getRun } from '../../core/tracking/index.js';
import { depsFromEnv } from '../../lambdas/env.js';
import { handler as applyPolicyHandler } from '../../lambdas/pipeline/apply-policy.js';
import { logger } from '../../lambdas/pipeline/entry.js';
import { taskOfPayload } from '../../lambdas/pipeline/task-of-payload.js';
import { handler as markRunHandler } from '../../lambdas/pipeline/mark-run.js';
import { handler as validateHandler } from '../../lambdas/pipeline/validate.js';
import { useEmulators } from '../emulators/harness.js';

// The deployed entry files, invoked as Lambda would invoke them, with their deps built from the
// environment (pointed at real dynalite + s3rver through the SDK's endpoint variables).
const { deps, emulators } = useEmulators();

beforeAll(async () => {
  const { endpoints } = emulators();
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: emulators().credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulators().credentials.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    CIRRUS_BUCKET: deps().bucket,
    CIRRUS_TRACKING_TABLE: deps().tables.tracking,
    CIRRUS_REGISTRY_TABLE: deps().tables.registry,
    CIRRUS_PREDICTIONS_TABLE: deps().tables.predictions,
  });
  logger.setLogLevel('SILENT');
  await loadBuiltinDataset(deps(), 'iris');
});

const request = {
  experiment: 'lambda',
  task: 'classification',
  algorithm: 'knn',
  dataset: { name: 'iris' },
  target: 'target',
};

describe('lambdas/pipeline entries', () => {
  it('Validate creates the RUNNING run; MarkFailed (same function as MarkSucceeded) fails it', async () => {
    // The run comes from the one submission; the starter is the AWS control plane, so a fake.
    const started: unknown[] = [];
    const pipelines = {
      start: async (_p: string, name: string, input: unknown) => (started.push(input), { executionId: name }),
      describe: () => Promise.reject(new Error('unused')),
    };
    const { runId } = await submitTraining({ ...deps(), pipelines }, request, 'api');
    const out = (await validateHandler(started[0])) as { runId: string };
    expect(out.runId).toBe(runId);
    expect((await getRun(deps(), { runId: out.runId })).status).toBe('RUNNING');

    await markRunHandler({
      request,
      run: { Payload: out },
      error: { Error: 'States.Timeout', Cause: 'Task timed out after 900 seconds' },
    });

    const run = await getRun(deps(), { runId });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.Timeout: Task timed out after 900 seconds');
  });

  it('throws the typed error whose name the state machine’s Catch sees', async () => {
    // An execution no submission started has no run to load.
    const error = await Promise.resolve(validateHandler({ request })).catch((e) => e);

    expect(error).toMatchObject({ name: 'ValidationError', field: 'request.runId' });
  });

  it('serves PickBest from the deploy-policy function when the payload has variants', async () => {
    const error = await Promise.resolve(
      applyPolicyHandler({ request: { policy: 'best_score' }, variants: [{ status: 'FAILED' }] }),
    ).catch((e) => e);

    expect(error).toMatchObject({ name: 'ValidationError', field: 'variants' });
  });
});

describe('taskOfPayload', () => {
  it('tells the tasks of a shared function apart by the state they receive', () => {
    const marks = ['MarkSucceeded', 'MarkFailed'] as const;
    const deploys = ['ApplyPolicy', 'StartAbTest', 'PickBest'] as const;

    expect(taskOfPayload({ run: {}, error: { Error: 'x' } }, marks)).toBe('MarkFailed');
    expect(taskOfPayload({ run: {}, registration: {} }, marks)).toBe('MarkSucceeded');
    expect(taskOfPayload({ request: {}, variants: [] }, deploys)).toBe('PickBest');
    expect(taskOfPayload({ request: { policy: 'ab_test' }, registration: {} }, deploys)).toBe('ApplyPolicy');
  });
});

describe('depsFromEnv', () => {
  it('names the variable that is missing', () => {
    expect(() => depsFromEnv({ AWS_REGION: 'eu-west-1', CIRRUS_BUCKET: 'b' })).toThrow(
      'environment variable CIRRUS_TRACKING_TABLE is not set',
    );
  });
});
