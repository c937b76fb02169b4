import { kv, num, table, when } from '../output.js';
import type { ApiRun, Deployment, ExecutionEventView } from '../types.js';

/** The scalar metrics of a run or version (confusion matrices and class lists left out). */
export function scalarMetrics(metrics: Record<string, unknown> | undefined): [string, number][] {
  return Object.entries(metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number');
}

/** Scalar metrics, then a clustering's sizes (rows per cluster, by cluster id) on one row. */
export function metricsTable(metrics: Record<string, unknown> | undefined): string {
  const sizes = metrics?.sizes;
  const rows: [string, number | string][] = scalarMetrics(metrics);
  if (Array.isArray(sizes)) rows.push(['cluster sizes', sizes.join(', ')]);
  return table(['metric', 'value'], rows);
}

export function runsTable(runs: readonly ApiRun[]): string {
  return table(
    ['run', 'algorithm', 'status', 'score', 'dataset', 'created', 'triggered by'],
    runs.map((r) => [
      r.id,
      r.algorithm,
      r.status,
      r.score,
      r.dataset?.name,
      when(r.createdAt),
      r.triggeredBy ?? '',
    ]),
  );
}

export function runSummary(run: ApiRun): string {
  return kv({
    run: run.id,
    experiment: run.experiment,
    algorithm: run.algorithm,
    status: run.status,
    score: run.score,
    dataset: run.dataset ? `${run.dataset.name}@${run.dataset.version.slice(0, 12)}` : undefined,
    target: run.dataset?.target,
    split: run.split
      ? `${run.split.strategy}, test size ${run.split.testSize}, seed ${run.split.seed}`
      : undefined,
    hyperparameters: Object.keys(run.hyperparameters ?? {}).length ? run.hyperparameters : undefined,
    execution: run.executionId,
    'triggered by': run.triggeredBy,
    duration: run.durationMs === undefined ? undefined : `${(run.durationMs / 1000).toFixed(1)} s`,
    error: run.error,
  });
}

/** States entered, in order, with how each ended. */
export function stateHistoryTable(history: readonly ExecutionEventView[]): string {
  const rows: unknown[][] = [];
  for (const e of history) {
    if (e.type === 'StateEntered' && e.state) rows.push([e.state, when(e.at), '']);
    else if (e.error && rows.length)
      rows[rows.length - 1]![2] = `${e.error}${e.cause ? `: ${e.cause.slice(0, 120)}` : ''}`;
  }
  return table(['state', 'entered', 'error'], rows);
}

/**
 * What the deploy step decided, read from the execution history: the Register output (the new
 * version) and the ApplyPolicy / StartAbTest / PickBest output (promoted or not, and why).
 */
export function deploymentOf(history: readonly ExecutionEventView[] | undefined): Deployment | undefined {
  let found: Deployment | undefined;
  for (const e of history ?? []) {
    const out = e.output as { deployment?: { Payload?: Deployment } } | undefined;
    if (out && typeof out === 'object' && out.deployment?.Payload) found = out.deployment.Payload;
  }
  return found;
}

/** One line: "deployed: champion is now v2 (reason)" or "not deployed: …". */
export function deploymentLine(d: Deployment | undefined): string {
  if (!d) return 'deployment: no deploy decision recorded';
  if (d.abTestId)
    return `deployment: v${d.version} is the challenger of A/B test ${d.abTestId} (${d.reason})`;
  if (d.promoted) return `deployed: ${d.model} v${d.version} is now champion (${d.reason})`;
  const champ = d.champion === null || d.champion === undefined ? 'none' : `v${d.champion}`;
  return `not deployed: ${d.model} v${d.version} registered, champion stays ${champ} (${d.reason})`;
}

export function experimentsTable(
  experiments: readonly {
    name: string;
    task?: string;
    createdAt?: string;
    retrainSchedule?: { expression: string; enabled?: boolean };
  }[],
): string {
  return table(
    ['experiment', 'task', 'created', 'retrain schedule'],
    experiments.map((e) => [
      e.name,
      e.task,
      when(e.createdAt),
      e.retrainSchedule
        ? `${e.retrainSchedule.expression}${e.retrainSchedule.enabled === false ? ' (disabled)' : ''}`
        : '',
    ]),
  );
}

export const scoreText = (score: number | undefined) => (score === undefined ? 'n/a' : num(score));

/**
 * A tuned run's candidates: each one's cross-validation score (mean ± std over the folds), the
 * values it tried, and which one was kept (then refit on the whole training split).
 */
export function candidatesTable(tuning: NonNullable<ApiRun['tuning']>): string {
  const keys = [...new Set(tuning.candidates.flatMap((c) => Object.keys(c.hyperparameters)))];
  const metric = tuning.folds ? `${tuning.metric} (${tuning.folds}-fold CV)` : tuning.metric;
  return table(
    ['#', ...keys, metric, '± std', 'chosen'],
    tuning.candidates.map((c, i) => [
      i + 1,
      ...keys.map((k) => String(c.hyperparameters[k] ?? '')),
      num(c.score),
      num(c.std),
      i === tuning.best ? '✓' : '',
    ]),
  );
}
