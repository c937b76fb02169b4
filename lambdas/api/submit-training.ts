import { algorithmSpec, parseHyperparameters } from '../../contracts/algorithms.js';
import type { DatasetRecord } from '../../contracts/dataset.js';
import {
  hyperparametersFor,
  trainerHyperparameters,
  requestAlgorithms,
  type TrainingRequest,
  TrainingRequestSchema,
  usesCirrusTrainer,
} from '../../contracts/training-request.js';
import { getDataset } from '../../core/datasets/index.js';
import type { CoreDeps } from '../../core/deps.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { assertStorable } from '../../core/storage/storable.js';
import {
  NO_CUSTOM_TRAINERS,
  resolveCustomTrainer,
  type TrainerPolicy,
} from '../../core/pipeline/custom-trainer.js';
import { newRunId, variantRunId } from '../../core/tracking/run-id.js';
import { checkTrainable } from '../../core/pipeline/trainable.js';
import type { PipelineName, PipelineRunner } from '../../core/ports.js';
import { createRun, ensureExperiment, recordRunResults, transitionRun } from '../../core/tracking/index.js';
import { UnprocessableError, zodToValidation } from './errors.js';

export interface SubmittedTraining {
  readonly experiment: string;
  readonly pipeline: PipelineName;
  readonly executionId: string;
  /** The run (training), or the id the sweep's variant runs derive theirs from. */
  readonly runId: string;
  /** One per algorithm: `runId` itself, or `<runId>-v<i>` for the variants of a sweep. */
  readonly runIds: readonly string[];
}

/** `"a,b,c"` is a list: several algorithms make a sweep. */
function splitAlgorithms(algorithm: unknown): unknown {
  if (typeof algorithm !== 'string' || !algorithm.includes(',')) return algorithm;
  return algorithm
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}

/** The request with its rules applied (target required, features, split), errors naming the field. */
export function parseTrainingRequest(body: Record<string, unknown>, experiment: string): TrainingRequest {
  const algorithm = splitAlgorithms(body.algorithm);
  const single = Array.isArray(algorithm) && algorithm.length === 1 ? algorithm[0] : algorithm;
  const parsed = TrainingRequestSchema.safeParse({ ...body, experiment, algorithm: single });
  if (!parsed.success) throw zodToValidation(parsed.error);
  const request = parsed.data;
  // Before anything is written: a number DynamoDB cannot hold (1e-200) is a 400 naming its field.
  assertStorable(request);
  if (!usesCirrusTrainer(request)) return request;
  for (const name of requestAlgorithms(request)) {
    const spec = algorithmSpec(name, request.task);
    parseHyperparameters(spec, trainerHyperparameters(request, name));
  }
  return request;
}

/** The dataset version the request names; one that does not exist is unusable (422), not a bad field. */
async function resolveDataset(deps: CoreDeps, request: TrainingRequest): Promise<DatasetRecord> {
  const { name, version } = request.dataset;
  let dataset: DatasetRecord;
  try {
    dataset = await getDataset(deps, name, version ?? 'latest');
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(`dataset.${error.message}`, 'dataset.version');
    }
    if (!(error instanceof NotFoundError)) throw error;
    const field = version ? 'dataset.version' : 'dataset.name';
    throw new UnprocessableError(`${field}: ${error.message} (register it with POST /v1/datasets)`, field);
  }
  const columns = dataset.schema.columns.map((c) => c.name);
  const missing = [request.target, ...(request.features ?? [])].filter(
    (c) => c !== undefined && !columns.includes(c),
  );
  if (missing.length > 0) {
    const field = missing[0] === request.target ? 'target' : 'features';
    throw new UnprocessableError(
      `${field}: no column '${missing[0]}' in dataset '${name}' (columns: ${columns.join(', ')})`,
      field,
    );
  }
  return dataset;
}

/**
 * Starts a training run (one algorithm) or a sweep (several) for an already validated body:
 * checks the dataset and its columns, creates the experiment if missing and, for a single run,
 * the run itself (QUEUED, so it can be read at once; Validate moves it to RUNNING), then starts
 * the state machine with the run id and records the execution id on the run.
 */
export async function submitTraining(
  deps: CoreDeps,
  runner: PipelineRunner,
  input: {
    experiment: string;
    body: Record<string, unknown>;
    triggeredBy?: string;
    trainers?: TrainerPolicy;
  },
): Promise<SubmittedTraining> {
  const parsed = parseTrainingRequest(input.body, input.experiment);
  const resolved = parsed.trainer
    ? { ...parsed, trainer: resolveCustomTrainer(parsed.trainer, input.trainers ?? NO_CUSTOM_TRAINERS) }
    : parsed;
  const dataset = await resolveDataset(deps, resolved);
  // A pinned version may be given as a unique prefix: the run and its replays carry the whole sha256.
  const request = resolved.dataset.version
    ? { ...resolved, dataset: { name: dataset.name, version: dataset.version } }
    : resolved;
  await checkTrainable(deps, request, dataset);
  await ensureExperiment(deps, { name: request.experiment, task: request.task });
  const runId = newRunId(deps.now());
  const triggeredBy = input.triggeredBy ?? 'api';
  const algorithms = requestAlgorithms(request);
  if (typeof request.algorithm !== 'string') {
    const { executionId } = await runner.start('sweep', runId, {
      // Variant runs record the sweep's execution (named after the run) for their state history.
      request: { ...request, runId, executionId: runId, triggeredBy },
    });
    const runIds = algorithms.map((_, i) => variantRunId(runId, i));
    return { experiment: request.experiment, pipeline: 'sweep', executionId, runId, runIds };
  }
  const algorithm = request.algorithm;
  await createRun(deps, {
    id: runId,
    experiment: request.experiment,
    algorithm,
    hyperparameters: hyperparametersFor(request, algorithm),
    dataset: { name: dataset.name, version: dataset.version, target: request.target },
    split: { strategy: request.split, testSize: request.testSize, seed: request.seed },
    triggeredBy,
    // What retraining replays when this run's version is champion.
    request: { ...request, algorithm, hyperparameters: hyperparametersFor(request, algorithm) },
  });
  let executionId: string;
  try {
    ({ executionId } = await runner.start('training', runId, {
      request: { ...request, algorithm, runId, triggeredBy },
      runId,
    }));
  } catch (error) {
    const reason = `the training pipeline did not start: ${error instanceof Error ? error.message : String(error)}`;
    await transitionRun(deps, { runId, status: 'FAILED', reason, results: { error: reason } });
    throw error;
  }
  await recordRunResults(deps, { runId, executionId });
  return { experiment: request.experiment, pipeline: 'training', executionId, runId, runIds: [runId] };
}
