import * as z from 'zod';
import { ExperimentNameSchema } from '../../contracts/tracking.js';
import type { DatasetRef, TrainingRequestBodySchema } from '../../contracts/training-request.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError, ValidationError } from '../errors.js';
import type { PipelineRunner } from '../ports.js';
import { findAlias } from '../registry/aliases.js';
import { getModelVersion } from '../registry/versions.js';
import { getExperiment } from '../tracking/experiments.js';
import { getRun } from '../tracking/runs.js';
import { appendProductionRows } from './continuous-training.js';
import type { TrainerPolicy } from './custom-trainer.js';
import { type SubmittedTraining, submitTraining } from './submit-training.js';
import type { Experiment } from '../../contracts/tracking.js';

export const RetrainInputSchema = z.object({
  experiment: ExperimentNameSchema,
  /** What started it: a drift report URI, `schedule:<expression>`, `api`, ... (recorded on the run). */
  triggeredBy: z.string().min(1).max(1024),
});
export type RetrainInput = z.infer<typeof RetrainInputSchema>;

export interface RetrainResult extends SubmittedTraining {
  /** What was replayed: `champion v3 (run …)`, or `last request` when there is no champion. */
  readonly replays: string;
  /** Continuous training: production rows appended as the dataset version this run trains on. */
  readonly appendedRows?: number;
}

/** The request retraining replays, and a line saying where it came from. */
interface ReplaySource {
  readonly request: z.infer<typeof TrainingRequestBodySchema>;
  readonly replays: string;
}

/**
 * Retrains the configuration of the serving champion: the request its run recorded (algorithm,
 * hyperparameters, features, split, seed, deploy policy), on the latest version of its dataset
 * (the pinned version is dropped; the submission records the one it resolves as the run's
 * lineage). Without a champion (or a champion whose run predates recorded requests) it replays
 * the experiment's last request; a last request with several algorithms replays as a sweep.
 * With continuous training on, production rows with ground truth are first appended as a new
 * dataset version, which the run is pinned to. The replay is a submission like any other
 * (submitTraining): checked where it begins, its run created before the pipeline starts.
 *
 * @throws NotFoundError('experiment', name) when the experiment does not exist
 * @throws ValidationError (field `experiment`) when it has never been trained, and whatever
 * submitTraining refuses (e.g. a replayed target the latest dataset version no longer has)
 *
 * @example
 * const { runId, replays } = await retrain(deps, runner, { experiment: 'iris', triggeredBy: report.uri });
 */
export async function retrain(
  deps: CoreDeps & { readonly trainers?: TrainerPolicy },
  runner: PipelineRunner,
  input: RetrainInput,
): Promise<RetrainResult> {
  const parsed = RetrainInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { experiment: name, triggeredBy } = parsed.data;
  const experiment = await getExperiment(deps, { name });
  const { request: source, replays } = await replaySource(deps, experiment);
  let dataset = latestVersion(source.dataset);
  let appendedRows: number | undefined;
  if (experiment.continuousTraining) {
    const appended = await appendProductionRows(deps, {
      experiment,
      dataset: source.dataset.name,
      target: source.target,
      endpoint: name,
    });
    appendedRows = appended.rows;
    dataset = { name: appended.dataset.name, version: appended.dataset.version };
  }
  const replay = { ...source, experiment: name, dataset };
  const submitted = await submitTraining({ ...deps, pipelines: runner }, replay, triggeredBy);
  return { ...submitted, replays, ...(appendedRows !== undefined ? { appendedRows } : {}) };
}

/**
 * The serving champion's run request (the model is named after the experiment), else the
 * experiment's last request.
 */
async function replaySource(deps: CoreDeps, experiment: Experiment): Promise<ReplaySource> {
  const champion = await findAlias(deps, { model: experiment.name, alias: 'champion' });
  if (champion) {
    const version = await getModelVersion(deps, { model: experiment.name, version: champion.version });
    const run = await getRun(deps, { runId: version.runId });
    if (run.request)
      return { request: run.request, replays: `champion v${champion.version} (run ${run.id})` };
  }
  if (!experiment.lastRequest) {
    throw new ValidationError(
      `experiment: '${experiment.name}' has no champion and no lastRequest to retrain (train it once first)`,
      'experiment',
    );
  }
  return { request: experiment.lastRequest, replays: 'last request (no champion with a recorded request)' };
}

/** The same dataset without a pinned version: the pipeline reads the latest one. */
function latestVersion(dataset: DatasetRef): DatasetRef {
  const { version: _pinned, ...latest } = dataset;
  return latest;
}
