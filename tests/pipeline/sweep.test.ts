import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltinDataset } from '../../core/datasets/index.js';
import { findAlias, getModelVersion } from '../../core/registry/index.js';
import { getEndpoint } from '../../core/serving/endpoints.js';
import { retrain } from '../../core/pipeline/retrain.js';
import { ValidationError } from '../../core/errors.js';
import { getExperiment, getRun } from '../../core/tracking/index.js';
import { localPipelineRunner } from '../../local/pipeline-runner.js';
import {
  championOf,
  outputOf,
  type State,
  trainingRequest,
  usePipelineHarness,
  versionsOf,
} from './harness.js';

// training-sweep.asl.json and the ab_test branch of training.asl.json with the real handlers,
// the real trainer and real dynalite + s3rver.
const harness = usePipelineHarness();
const EXPERIMENT = 'iris-sweep';

beforeAll(async () => {
  await loadBuiltinDataset(harness.deps(), 'iris');
  // A weak first champion (a depth-1 tree) that the sweep's best must beat.
  const first = await harness.pipelines().submit(
    trainingRequest({
      experiment: EXPERIMENT,
      algorithm: 'decision_tree',
      hyperparameters: { max_depth: 1 },
    }),
  );
  expect(first.status).toBe('SUCCEEDED');
  expect(await championOf(harness.deps(), EXPERIMENT)).toBe(1);
});

describe('a sweep over three algorithms', () => {
  it('trains each as its own run, registers all, and deploys the best', async () => {
    const deps = harness.deps();
    const { submit } = harness.pipelines();
    const algorithms = ['logistic_regression', 'naive_bayes', 'decision_tree'];

    const result = await submit(trainingRequest({ experiment: EXPERIMENT, algorithm: algorithms }));

    expect(result.status, result.cause).toBe('SUCCEEDED');
    const { variants, deployment } = outputOf(result) as State;
    expect(variants.map((v: State) => [v.variantIndex, v.status])).toEqual([
      [0, 'SUCCEEDED'],
      [1, 'SUCCEEDED'],
      [2, 'SUCCEEDED'],
    ]);
    const { runId, runIds, executionId } = result.submitted;
    expect(runIds).toEqual(algorithms.map((_, i) => `${runId}-v${i}`));
    const runs = await Promise.all(runIds.map((id) => getRun(deps, { runId: id })));
    expect(runs.map((r) => [r.algorithm, r.status, r.executionId])).toEqual(
      algorithms.map((a) => [a, 'SUCCEEDED', executionId]),
    );
    const versions = await Promise.all(
      variants.map((v: State) =>
        getModelVersion(deps, { model: EXPERIMENT, version: v.registration.version }),
      ),
    );
    expect(versions.map((v) => v.runId).sort()).toEqual(runs.map((r) => r.id).sort());
    const best = versions.reduce((a, b) => (b.score > a.score ? b : a));
    expect(best.score).toBeGreaterThan(
      (await getModelVersion(deps, { model: EXPERIMENT, version: 1 })).score!,
    );
    expect(deployment.Payload).toMatchObject({
      promoted: true,
      champion: best.version,
      previousChampion: 1,
      candidates: 3,
    });
    expect(await championOf(deps, EXPERIMENT)).toBe(best.version);
  });

  it("records the sweep as the last request; retraining replays the champion variant's request", async () => {
    const deps = harness.deps();
    const { lastRequest } = await getExperiment(deps, { name: EXPERIMENT });
    // The request the user sent (all algorithms, its policy), not one variant's (policy manual).
    expect(lastRequest).toMatchObject({
      algorithm: ['logistic_regression', 'naive_bayes', 'decision_tree'],
      dataset: { name: 'iris' },
    });
    expect(lastRequest?.policy).not.toBe('manual');
    expect(lastRequest).not.toHaveProperty('runId');

    // The champion is one variant: its run recorded its own request, with the sweep's policy.
    const champion = await getModelVersion(deps, {
      model: EXPERIMENT,
      version: (await championOf(deps, EXPERIMENT))!,
    });
    const championRun = await getRun(deps, { runId: champion.runId });
    expect(championRun.request).toMatchObject({ algorithm: champion.algorithm, policy: lastRequest?.policy });

    const runner = localPipelineRunner(harness.pipelines());
    const replay = await retrain(deps, runner, {
      experiment: EXPERIMENT,
      triggeredBy: 'schedule:rate(1 day)',
    });
    expect(replay.pipeline).toBe('training');
    expect(replay.replays).toBe(`champion v${champion.version} (run ${champion.runId})`);
    expect((await runner.wait(replay.executionId)).status).toBe('SUCCEEDED');
    const run = await getRun(deps, { runId: replay.runId });
    expect([run.algorithm, run.status, run.triggeredBy]).toEqual([
      champion.algorithm,
      'SUCCEEDED',
      'schedule:rate(1 day)',
    ]);
  });

  it('refuses a sweep naming an unknown algorithm before any run starts', async () => {
    const pipelines = harness.pipelines();
    const body = trainingRequest({ experiment: EXPERIMENT, algorithm: ['quantum_forest', 'naive_bayes'] });

    const error = await pipelines.submit(body).catch((e) => e);

    expect(error).toMatchObject({ name: 'ValidationError', field: 'algorithm' });
    expect(pipelines.jobsStarted()).toBe(0);
  });

  it('goes on when one variant fails, and deploys among the others', async () => {
    const deps = harness.deps();
    const before = (await versionsOf(deps, EXPERIMENT)).length;
    const champion = await championOf(deps, EXPERIMENT);
    // Fault injection: the first variant's Validate fails (its run is FAILED by MarkVariantFailed).
    const pipelines = harness.pipelines({
      wrap: {
        Validate: (real) => async (payload) => {
          if ((payload as { variantIndex?: number }).variantIndex === 0)
            throw new ValidationError('algorithm: refused (fault injection)', 'algorithm');
          return real(payload);
        },
      },
    });

    const result = await pipelines.submit(
      trainingRequest({ experiment: EXPERIMENT, algorithm: ['knn', 'naive_bayes'] }),
    );

    expect(result.status).toBe('SUCCEEDED');
    const { variants, deployment } = outputOf(result) as State;
    expect(variants[0]).toMatchObject({ status: 'FAILED', error: { Error: 'ValidationError' } });
    expect(variants[1].status).toBe('SUCCEEDED');
    expect((await getRun(deps, { runId: result.submitted.runIds[0]! })).status).toBe('FAILED');
    expect(await versionsOf(deps, EXPERIMENT)).toHaveLength(before + 1);
    // naive_bayes was a candidate of the first sweep, whose best is champion: it cannot beat it.
    expect(deployment.Payload).toMatchObject({ candidates: 1, promoted: false, champion });
  });
});

describe('the ab_test policy', () => {
  it('makes the new version the challenger of an A/B test and keeps the champion', async () => {
    const deps = harness.deps();
    const champion = await championOf(deps, EXPERIMENT);

    const result = await harness
      .pipelines()
      .submit(trainingRequest({ experiment: EXPERIMENT, algorithm: 'knn', policy: 'ab_test' }));

    expect(result.status, result.cause).toBe('SUCCEEDED');
    const { registration, deployment } = outputOf(result);
    const version = registration.Payload.version;
    expect(deployment.Payload).toMatchObject({
      policy: 'ab_test',
      promoted: false,
      abTestId: expect.any(String),
    });
    expect((await findAlias(deps, { model: EXPERIMENT, alias: 'challenger' }))?.version).toBe(version);
    expect(await championOf(deps, EXPERIMENT)).toBe(champion);
    const endpoint = await getEndpoint(deps, EXPERIMENT);
    expect(endpoint.abTestId).toBe(deployment.Payload.abTestId);
    expect(endpoint.traffic?.variants.map((v) => [v.name, v.version])).toEqual([
      ['champion', champion],
      ['challenger', version],
    ]);
  });
});
