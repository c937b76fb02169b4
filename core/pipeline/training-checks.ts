import { algorithmSpec, parseHyperparameters } from '../../contracts/algorithms.js';
import type { DatasetRecord } from '../../contracts/dataset.js';
import {
  requestAlgorithms,
  trainerHyperparameters,
  type TrainingRequest,
  TrainingRequestSchema,
  usesCirrusTrainer,
} from '../../contracts/training-request.js';
import { getDataset } from '../datasets/index.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError, NotFoundError, UnprocessableError, ValidationError } from '../errors.js';
import { assertStorable } from '../storage/storable.js';
import { NO_CUSTOM_TRAINERS, resolveCustomTrainer, type TrainerPolicy } from './custom-trainer.js';
import { checkTrainable } from './trainable.js';

/** A submission that passed every check: the request to run and the dataset version it trains on. */
export interface CheckedTraining {
  /** The request with its defaults, its custom trainer resolved and a pinned version in full. */
  readonly request: TrainingRequest;
  readonly dataset: DatasetRecord;
}

/**
 * Every rule a training request must pass before anything is written, checked once where the
 * submission begins: the request schema, each algorithm's hyperparameters, the custom trainer
 * against the runtime's policy, the dataset version and its columns, the split and the target.
 * @throws ValidationError (400) naming the field; UnprocessableError (422) for a dataset or column
 * the request names that does not exist.
 */
export async function checkTrainingRequest(
  deps: CoreDeps,
  body: unknown,
  trainers: TrainerPolicy = NO_CUSTOM_TRAINERS,
): Promise<CheckedTraining> {
  const parsed = parseTrainingRequest(body);
  const resolved = parsed.trainer
    ? { ...parsed, trainer: resolveCustomTrainer(parsed.trainer, trainers) }
    : parsed;
  const dataset = await resolveDataset(deps, resolved);
  // A pinned version may be given as a unique prefix: the run and its replays carry the whole sha256.
  const request = resolved.dataset.version
    ? { ...resolved, dataset: { name: dataset.name, version: dataset.version } }
    : resolved;
  checkColumns(request, dataset);
  checkSplit(request, dataset);
  await checkTrainable(deps, request, dataset);
  return { request, dataset };
}

/** `"a,b,c"` is a list: several algorithms make a sweep; a list of one is that algorithm. */
function splitAlgorithms(algorithm: unknown): unknown {
  const list =
    typeof algorithm === 'string' && algorithm.includes(',')
      ? algorithm
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean)
      : algorithm;
  return Array.isArray(list) && list.length === 1 ? list[0] : list;
}

/** The request with its rules applied (target required, features, split, hyperparameters). */
function parseTrainingRequest(body: unknown): TrainingRequest {
  const raw = isRecord(body) ? { ...body, algorithm: splitAlgorithms(body.algorithm) } : body;
  const parsed = TrainingRequestSchema.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error);
  const request = parsed.data;
  // Before anything is written: a number DynamoDB cannot hold (1e-200) is a 400 naming its field.
  assertStorable(request);
  if (!usesCirrusTrainer(request)) return request;
  for (const name of requestAlgorithms(request)) {
    parseHyperparameters(algorithmSpec(name, request.task), trainerHyperparameters(request, name));
  }
  return request;
}

/** The dataset version the request names; one that does not exist is unusable (422), not a bad field. */
async function resolveDataset(deps: CoreDeps, request: TrainingRequest): Promise<DatasetRecord> {
  const { name, version } = request.dataset;
  try {
    return await getDataset(deps, name, version ?? 'latest');
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError(`dataset.${error.message}`, 'dataset.version');
    }
    if (!(error instanceof NotFoundError)) throw error;
    const field = version ? 'dataset.version' : 'dataset.name';
    throw new UnprocessableError(`${field}: ${error.message} (register it with POST /v1/datasets)`, field);
  }
}

/**
 * The target and feature columns exist (a missing one is unusable, 422, like a missing dataset);
 * a regression target is numeric (400).
 */
function checkColumns(request: TrainingRequest, dataset: DatasetRecord): void {
  const columns = new Map(dataset.schema.columns.map((c) => [c.name, c]));
  const where = `dataset '${dataset.name}' (columns: ${[...columns.keys()].join(', ')})`;
  if (request.target !== undefined) {
    const target = columns.get(request.target);
    if (!target) throw new UnprocessableError(`target: no column '${request.target}' in ${where}`, 'target');
    if (request.task === 'regression' && target.type !== 'numeric') {
      throw new ValidationError(
        `target: regression needs a numeric target; '${request.target}' is ${target.type}`,
        'target',
      );
    }
  }
  const missing = (request.features ?? []).filter((f) => !columns.has(f));
  if (missing.length > 0) {
    throw new UnprocessableError(
      `features: no column ${missing.map((f) => `'${f}'`).join(', ')} in ${where}`,
      'features',
    );
  }
}

/** The same arithmetic as `splitRows`: both sides of the split must keep at least one row. */
function checkSplit(request: TrainingRequest, dataset: DatasetRecord): void {
  const rows = dataset.rowCount;
  const test = Math.round(rows * request.testSize);
  if (rows < 2 || test < 1 || test >= rows) {
    throw new ValidationError(
      `testSize: ${request.testSize} of ${rows} rows leaves an empty train or test set (${request.split} split)`,
      'testSize',
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
