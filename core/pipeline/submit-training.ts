import type { DatasetRecord } from '../../contracts/dataset.js';
import type { PipelineRequest } from '../../contracts/pipeline.js';
import {
  hyperparametersFor,
  requestAlgorithms,
  type TrainingRequest,
} from '../../contracts/training-request.js';
import type { CoreDeps } from '../deps.js';
import type { PipelineName, PipelineRunner } from '../ports.js';
import { newRunId, variantRunId } from '../tracking/run-id.js';
import {
  createRun,
  ensureExperiment,
  recordRunResults,
  transitionRun,
  updateExperiment,
} from '../tracking/index.js';
import type { TrainerPolicy } from './custom-trainer.js';
import { checkTrainingRequest } from './training-checks.js';

/** What a submission needs besides the stores: the pipeline starter and the trainers it accepts. */
export interface SubmitDeps extends CoreDeps {
  readonly pipelines: PipelineRunner;
  /** Custom trainers this runtime accepts (none when absent). */
  readonly trainers?: TrainerPolicy;
}

/** A sweep's execution request: the checked request with its algorithm list, run and trigger. */
export type SweepRequest = TrainingRequest & { readonly runId: string; readonly triggeredBy: string };

export interface SubmittedTraining {
  readonly experiment: string;
  readonly pipeline: PipelineName;
  readonly executionId: string;
  /** The run (training), or the id the sweep's variant runs derive theirs from. */
  readonly runId: string;
  /** One per algorithm: `runId` itself, or `<runId>-v<i>` for the variants of a sweep. */
  readonly runIds: readonly string[];
  /** The request the execution was started with. */
  readonly request: PipelineRequest | SweepRequest;
}

/**
 * The one way a training run starts (API, retraining, drift, schedules): checks the request once
 * (checkTrainingRequest), creates the experiment if missing and each run QUEUED (a conditional
 * write: an id is never taken twice), starts the state machine named after the run, and records
 * the execution on each run and the request as the experiment's last (what retraining replays).
 * The pipeline trusts what was stored here: Validate only loads the run and moves it to RUNNING.
 * A pipeline that does not start leaves its runs FAILED with the reason.
 *
 * @throws ValidationError (400) / UnprocessableError (422) naming the field, before anything is
 * written; ConflictError when the experiment exists with another task.
 *
 * @example
 * const { runId } = await submitTraining({ ...deps, pipelines }, body, 'api');
 */
export async function submitTraining(
  deps: SubmitDeps,
  body: unknown,
  triggeredBy: string,
): Promise<SubmittedTraining> {
  const { request, dataset } = await checkTrainingRequest(deps, body, deps.trainers);
  await ensureExperiment(deps, { name: request.experiment, task: request.task });
  const runId = newRunId(deps.now());
  const algorithms = requestAlgorithms(request);
  const sweep = typeof request.algorithm !== 'string';
  const runIds = sweep ? algorithms.map((_, i) => variantRunId(runId, i)) : [runId];
  await Promise.all(
    runIds.map((id, i) =>
      createQueuedRun(deps, { id, algorithm: algorithms[i]!, request, dataset, triggeredBy }),
    ),
  );
  const pipeline: PipelineName = sweep ? 'sweep' : 'training';
  const started = sweep
    ? { ...request, runId, triggeredBy }
    : { ...request, algorithm: algorithms[0]!, runId, triggeredBy };
  let executionId: string;
  try {
    ({ executionId } = await deps.pipelines.start(pipeline, runId, executionInput(started, sweep)));
  } catch (error) {
    const reason = `the ${pipeline} pipeline did not start: ${error instanceof Error ? error.message : String(error)}`;
    await Promise.all(
      runIds.map((id) =>
        transitionRun(deps, { runId: id, status: 'FAILED', reason, results: { error: reason } }),
      ),
    );
    throw error;
  }
  await Promise.all(runIds.map((id) => recordRunResults(deps, { runId: id, executionId })));
  await updateExperiment(deps, { name: request.experiment, lastRequest: request });
  return { experiment: request.experiment, pipeline, executionId, runId, runIds, request: started };
}

/**
 * One algorithm's run, QUEUED, with its lineage (the dataset version it trains on) and the
 * request retraining its version replays: that algorithm with its own hyperparameters.
 */
function createQueuedRun(
  deps: CoreDeps,
  input: {
    id: string;
    algorithm: string;
    request: TrainingRequest;
    dataset: DatasetRecord;
    triggeredBy: string;
  },
) {
  const { id, algorithm, request, dataset, triggeredBy } = input;
  const hyperparameters = hyperparametersFor(request, algorithm);
  return createRun(deps, {
    id,
    experiment: request.experiment,
    algorithm,
    hyperparameters,
    dataset: { name: dataset.name, version: dataset.version, target: request.target },
    split: { strategy: request.split, testSize: request.testSize, seed: request.seed },
    triggeredBy,
    request: { ...request, algorithm, hyperparameters },
  });
}

/** The execution input: the request; a single run's id also at the top, where MarkFailed looks first. */
function executionInput(request: { readonly runId: string }, sweep: boolean) {
  return sweep ? { request } : { request, runId: request.runId };
}
