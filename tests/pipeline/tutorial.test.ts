import { TRAINER_VERSION } from '../../training/version.js';
import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../contracts/dataset.js';
import { loadBuiltinDataset } from '../../core/datasets/index.js';
import { getModelVersion } from '../../core/registry/index.js';
import { listRuns } from '../../core/tracking/index.js';
import { championOf, outputOf, runOf, trainingRequest, usePipelineHarness } from './harness.js';

// The Datasette ML tutorial as a test: the real training.asl.json on the local interpreter, the
// real pipeline handlers, the real trainer (training/main.ts as a child process) and real
// dynalite + s3rver. Nothing is mocked.
const harness = usePipelineHarness();

async function train(overrides: Record<string, unknown>) {
  const deps = harness.deps();
  const { training, submit } = harness.pipelines();
  const result = await submit(trainingRequest(overrides));
  expect(result.error, result.cause).toBeUndefined();
  const out = outputOf(result);
  const run = await runOf(deps, result);
  const version = await getModelVersion(deps, out.registration.Payload);
  return { result, run, version, deployment: out.deployment.Payload, training };
}

/** Trains three algorithms in turn and checks the best_score policy after each. */
async function tutorial(input: {
  experiment: string;
  task: 'classification' | 'regression';
  dataset: DatasetRecord;
  first: string;
  second: string;
  worse: { algorithm: string; hyperparameters: Record<string, unknown> };
}) {
  const deps = harness.deps();
  const base = { experiment: input.experiment, task: input.task, dataset: { name: input.dataset.name } };

  const first = await train({ ...base, algorithm: input.first });
  expect(first.run).toMatchObject({ status: 'SUCCEEDED', algorithm: input.first });
  expect(first.run.dataset).toEqual({
    name: input.dataset.name,
    version: input.dataset.version,
    target: 'target',
  });
  expect(first.run.score).toBe(first.version.score);
  // Lineage: the run names the trainer that produced its model (from the archive's manifest).
  expect(first.run.trainerVersion).toBe(TRAINER_VERSION);
  expect(first.run.metrics).toMatchObject({ task: input.task, score: first.version.score });
  expect(first.version).toMatchObject({ version: 1, runId: first.run.id, algorithm: input.first });
  expect(first.deployment).toMatchObject({ promoted: true, champion: 1 });
  expect(await championOf(deps, input.experiment)).toBe(1);

  const second = await train({ ...base, algorithm: input.second });
  expect(second.run.score).toBe(second.version.score);
  const secondWins = second.version.score! > first.version.score!;
  expect(second.deployment.promoted).toBe(secondWins);
  expect(await championOf(deps, input.experiment)).toBe(secondWins ? 2 : 1);
  const champion = secondWins ? second.version : first.version;

  const worse = await train({ ...base, ...input.worse });
  expect(worse.run.status).toBe('SUCCEEDED');
  expect(worse.version.score).toBeLessThan(champion.score!);
  expect(worse.version).toMatchObject({ version: 3, status: 'READY' });
  expect(worse.deployment).toMatchObject({ promoted: false, champion: champion.version });
  expect(await championOf(deps, input.experiment)).toBe(champion.version);
  expect(worse.run.statusHistory.at(-1)?.reason).toMatch(
    /^registered .* v3 .*; not deployed: score does not beat/,
  );

  const { runs } = await listRuns(deps, { experiment: input.experiment });
  expect(runs.map((r) => [r.algorithm, r.status])).toEqual([
    [input.first, 'SUCCEEDED'],
    [input.second, 'SUCCEEDED'],
    [input.worse.algorithm, 'SUCCEEDED'],
  ]);
  return { first, second, worse };
}

describe('the Datasette ML tutorial through the training state machine', () => {
  it('iris: logistic regression is champion, svc only if better, a stump never', async () => {
    const iris = await loadBuiltinDataset(harness.deps(), 'iris');

    const { first } = await tutorial({
      experiment: 'iris',
      task: 'classification',
      dataset: iris,
      first: 'logistic_regression',
      second: 'svc',
      // A depth-1 tree separates one species of three: at most ~2/3 accuracy.
      worse: { algorithm: 'decision_tree', hyperparameters: { max_depth: 1 } },
    });

    expect(first.version.score).toBeGreaterThan(0.85);
    const record = await first.training.getExecution(first.result.executionId);
    const entered = record?.events.filter((e) => e.type === 'StateEntered').map((e) => e.stateName);
    expect(entered).toEqual([
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
    expect(Object.keys(first.run.artifacts).sort()).toEqual(
      ['baseline', 'contract', 'metrics', 'model', 'onnx', 'test', 'train'].sort(),
    );
  });

  it('diabetes: linear regression is champion, ridge only if better, the mean predictor never', async () => {
    const diabetes = await loadBuiltinDataset(harness.deps(), 'diabetes');

    const { first } = await tutorial({
      experiment: 'diabetes',
      task: 'regression',
      dataset: diabetes,
      first: 'linear_regression',
      second: 'ridge',
      // Predicting the training mean scores R2 <= ~0 on the test split.
      worse: { algorithm: 'dummy', hyperparameters: { strategy: 'mean' } },
    });

    expect(first.version.score).toBeGreaterThan(0.3);
  });
});
