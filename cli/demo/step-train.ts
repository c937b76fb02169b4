import { seg } from '../client.js';
import { deploymentOf } from '../format/runs.js';
import { table } from '../output.js';
import type { ApiModel, ApiRun, StartedRun } from '../types.js';
import { registryOutcome } from '../registry-outcome.js';
import { watchRun } from '../watch-run.js';
import { type DemoContext, DemoError, type TrainedModel } from './context.js';
import { IRIS_TARGET } from './iris.js';

/** The states a training execution passes through on success (progress total). */
const TRAINING_STATES = [
  'Validate',
  'Prepare',
  'Train',
  'Evaluate',
  'Register',
  'DeployPolicy',
  'ApplyPolicy',
  'MarkSucceeded',
  'Succeeded',
];

/** Trains one algorithm through the pipeline with a progress bar over its states. */
export async function trainOne(
  ctx: DemoContext,
  algorithm: string,
  policy = 'best_score',
  hyperparameters: Readonly<Record<string, number>> = {},
): Promise<TrainedModel> {
  const { client, ui, names } = ctx;
  const params = Object.entries(hyperparameters)
    .map(([k, v]) => ` --param ${k}=${v}`)
    .join('');
  ui.line(
    `$ cirrus train --experiment ${names.experiment} --task classification --algorithm ${algorithm} --dataset ${names.dataset} --target ${IRIS_TARGET}${params}`,
  );
  const started = await client.post<StartedRun>(`/v1/experiments/${seg(names.experiment)}/runs`, {
    experiment: names.experiment,
    task: 'classification',
    algorithm,
    dataset: { name: names.dataset },
    target: IRIS_TARGET,
    policy,
    hyperparameters,
  });
  if (!started.runId) throw new DemoError(`the API started no run for ${algorithm}`);
  return followRun(ctx, started.runId, algorithm);
}

/** Follows a run (also one started by an event) to its end; reads the deploy decision. */
export async function followRun(ctx: DemoContext, runId: string, label: string): Promise<TrainedModel> {
  const bar = ctx.ui.states(`${label}`, TRAINING_STATES.length);
  const run: ApiRun = await watchRun(ctx.client, runId, { onState: (state) => bar.enter(state) });
  const ok = run.status === 'SUCCEEDED';
  bar.stop(ok ? `score ${run.score?.toFixed(4)}` : `FAILED: ${run.error ?? run.execution?.cause ?? ''}`, ok);
  const deployment = deploymentOf(run.execution?.history);
  // A run without its execution history (e.g. started by an event): ask the registry instead.
  const outcome = deployment ?? (ok ? await registryOutcome(ctx.client, run) : undefined);
  return {
    algorithm: run.algorithm,
    runId: run.id,
    status: run.status,
    version: outcome?.version,
    score: run.score,
    promoted: outcome?.promoted,
  };
}

const DEMO_MODELS: ReadonlyArray<readonly [string, Record<string, number>]> = [
  ['logistic_regression', { C: 0.01 }],
  ['svc', {}],
];

/** Step 2: logistic regression, then SVC; the best_score policy deploys the better one. */
export async function trainModels(ctx: DemoContext): Promise<void> {
  const { client, ui, names } = ctx;
  ui.step(
    'Train: a simple logistic_regression baseline, then svc (policy best_score deploys the better one)',
  );
  const trained: TrainedModel[] = [];
  // The baseline is strongly regularized (C=0.01) on purpose: with defaults both models tie on
  // iris's test split, and the demo is about what Cirrus does when one model is better.
  for (const [algorithm, params] of DEMO_MODELS) {
    const t = await trainOne(ctx, algorithm, 'best_score', params);
    if (t.status !== 'SUCCEEDED') throw new DemoError(`training ${algorithm} failed (run ${t.runId})`);
    trained.push(t);
  }
  const model = await client.get<ApiModel>(`/v1/models/${seg(names.experiment)}`);
  const champion = model.aliases?.find((a) => a.alias === 'champion')?.version;
  if (champion === undefined) throw new DemoError(`model ${names.experiment} has no champion after training`);
  ui.line(
    table(
      ['algorithm', 'run', 'version', 'test accuracy', 'deployed'],
      trained.map((t) => [
        t.algorithm,
        t.runId,
        t.version === undefined ? '' : `v${t.version}`,
        t.score,
        t.version === champion ? 'champion' : t.promoted ? 'was champion' : 'no',
      ]),
    ),
  );
  const winner = trained.find((t) => t.version === champion);
  ui.line(
    `champion: v${champion}${winner ? ` (${winner.algorithm}, accuracy ${winner.score?.toFixed(4)})` : ''} — a later model is deployed only when it scores higher`,
  );
  ctx.summary.training = trained;
  ctx.summary.champion = { version: champion, algorithm: winner?.algorithm, score: winner?.score };
}
