import { z } from 'zod';
import { algorithmSpec, parseHyperparameters } from '../../contracts/algorithms.js';
import type { DatasetRecord } from '../../contracts/dataset.js';
import {
  type PipelineRequest,
  PipelineRequestSchema,
  type ValidateOutput,
} from '../../contracts/pipeline.js';
import type { Run } from '../../contracts/tracking.js';
import {
  defaultSplit,
  hyperparametersFor,
  trainerHyperparameters,
  usesCirrusTrainer,
  TrainingRequestBodySchema,
  TrainingRequestSchema,
} from '../../contracts/training-request.js';
import { getDataset } from '../datasets/index.js';
import { checkTrainable } from './trainable.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError, ValidationError } from '../errors.js';
import { createRun, ensureExperiment, getRun, transitionRun, updateExperiment } from '../tracking/index.js';
import { MAX_RUN_ID_LENGTH, newRunId, variantRunId } from '../tracking/run-id.js';

/**
 * What Validate reads from the state: the request, the run id the API allocated and the
 * execution id (top level, as the local runtime's execution input carries them, or inside the
 * request, the only place a sweep variant sees), and the sweep's variant index.
 */
const ValidateStateSchema = z
  .object({
    request: z.unknown(),
    runId: z.string().optional(),
    executionId: z.string().optional(),
    variantIndex: z.number().int().min(0).optional(),
    /** A sweep variant's: the sweep's own request (all its algorithms, its deploy policy). */
    sweep: z.unknown().optional(),
  })
  .loose();

// SageMaker job names (`cirrus-{runId}-{attempt}`) allow letters, digits and hyphens only.
const JOB_SAFE_RUN_ID = /^[A-Za-z0-9](-*[A-Za-z0-9])*$/;

/**
 * Pipeline step Validate: checks the request against the contract (one algorithm, known for
 * the task, valid hyperparameters), that the dataset version exists and has the target and
 * feature columns, and that the test size leaves rows on both sides; then creates the
 * experiment if missing and the run (RUNNING), with the dataset version as its lineage.
 * Nothing is created when a check fails, so a bad request never reaches a training job.
 *
 * @throws ValidationError naming the request field; NotFoundError for a missing dataset;
 * ConflictError when the experiment exists with another task.
 */
export async function validate(deps: CoreDeps, input: unknown): Promise<ValidateOutput> {
  const state = ValidateStateSchema.safeParse(input);
  if (!state.success) throw fromZodError(state.error, 'state');
  const request = parseRequest(state.data.request);
  if (usesCirrusTrainer(request)) {
    const spec = algorithmSpec(request.algorithm, request.task);
    parseHyperparameters(spec, trainerHyperparameters(request, request.algorithm));
  }
  const dataset = await getDataset(deps, request.dataset.name, request.dataset.version ?? 'latest');
  checkColumns(request, dataset);
  checkSplit(request, dataset);
  await checkTrainable(deps, request, dataset);
  const runId = chooseRunId(deps, state.data, request);
  await ensureExperiment(deps, { name: request.experiment, task: request.task });
  const executionId = state.data.executionId ?? request.executionId;
  await startRun(deps, request, dataset, { runId, executionId, request: runRequestOf(state.data, request) });
  // Retraining replays the last request the user sent: a sweep variant records its sweep's.
  const lastRequest = lastRequestOf(state.data, request);
  if (lastRequest) await updateExperiment(deps, { name: request.experiment, lastRequest });
  return {
    runId,
    experiment: request.experiment,
    model: request.experiment,
    dataset: { name: dataset.name, version: dataset.version, uri: dataset.uri, target: request.target },
  };
}

/**
 * What retraining replays: the request without its run, execution and trigger; for a sweep
 * variant the sweep's request (each variant writes the same one), none from a sweep started
 * without it (an execution from before the sweep passed it along).
 */
function lastRequestOf(
  state: z.infer<typeof ValidateStateSchema>,
  request: PipelineRequest,
): z.infer<typeof TrainingRequestBodySchema> | undefined {
  if (state.variantIndex === undefined) return withoutRun(request);
  if (!isRecord(state.sweep)) return undefined;
  // A sweep's request is not this step's to refuse (its variant was checked above).
  const parsed = TrainingRequestBodySchema.safeParse(withoutRun(state.sweep));
  return parsed.success ? parsed.data : undefined;
}

/**
 * The request a run records (what retraining its version replays): one algorithm with its own
 * hyperparameters; a sweep variant's with the sweep's deploy policy (the variant runs `manual`
 * only because PickBest deploys for it).
 */
function runRequestOf(
  state: z.infer<typeof ValidateStateSchema>,
  request: PipelineRequest,
): z.infer<typeof TrainingRequestBodySchema> {
  const body = { ...withoutRun(request), hyperparameters: hyperparametersFor(request, request.algorithm) };
  if (state.variantIndex === undefined || !isRecord(state.sweep)) return body;
  const policy = TrainingRequestBodySchema.shape.policy.safeParse(state.sweep.policy);
  return policy.success ? { ...body, policy: policy.data } : body;
}

function withoutRun<T extends Record<string, unknown>>(request: T) {
  const { runId: _id, triggeredBy: _by, executionId: _ex, ...body } = request;
  return body;
}

/** The pipeline request with the API's rules (target required, features, split) applied. */
function parseRequest(raw: unknown): PipelineRequest {
  if (isRecord(raw) && Array.isArray(raw.algorithm)) {
    throw new ValidationError(
      'algorithm: one algorithm per run (a list of algorithms runs as a sweep)',
      'algorithm',
    );
  }
  const parsed = PipelineRequestSchema.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { runId: _id, triggeredBy: _by, executionId: _ex, ...body } = parsed.data;
  const rules = TrainingRequestSchema.safeParse(body);
  if (!rules.success) throw fromZodError(rules.error);
  return parsed.data;
}

function checkColumns(request: PipelineRequest, dataset: DatasetRecord): void {
  const columns = new Map(dataset.schema.columns.map((c) => [c.name, c]));
  const names = () => [...columns.keys()].join(', ');
  const where = `dataset '${dataset.name}' (columns: ${names()})`;
  if (request.target !== undefined) {
    const target = columns.get(request.target);
    if (!target) throw new ValidationError(`target: no column '${request.target}' in ${where}`, 'target');
    if (request.task === 'regression' && target.type !== 'numeric') {
      throw new ValidationError(
        `target: regression needs a numeric target; '${request.target}' is ${target.type}`,
        'target',
      );
    }
  }
  const missing = (request.features ?? []).filter((f) => !columns.has(f));
  if (missing.length > 0) {
    throw new ValidationError(
      `features: no column ${missing.map((f) => `'${f}'`).join(', ')} in ${where}`,
      'features',
    );
  }
}

/** The same arithmetic as `splitRows`: both sides of the split must keep at least one row. */
function checkSplit(request: PipelineRequest, dataset: DatasetRecord): void {
  const rows = dataset.rowCount;
  const test = Math.round(rows * request.testSize);
  if (rows < 2 || test < 1 || test >= rows) {
    const strategy = request.split ?? defaultSplit(request.task);
    throw new ValidationError(
      `testSize: ${request.testSize} of ${rows} rows leaves an empty train or test set (${strategy} split)`,
      'testSize',
    );
  }
}

/**
 * The API's run id when it allocated one (a sweep variant appends its index, so the variants
 * of one execution get distinct runs), else a new time-ordered id.
 */
function chooseRunId(
  deps: CoreDeps,
  state: z.infer<typeof ValidateStateSchema>,
  request: PipelineRequest,
): string {
  const given = state.runId ?? request.runId;
  if (given === undefined) return newRunId(deps.now());
  const runId = state.variantIndex === undefined ? given : variantRunId(given, state.variantIndex);
  if (runId.length > MAX_RUN_ID_LENGTH || !JOB_SAFE_RUN_ID.test(runId)) {
    throw new ValidationError(
      `runId: '${runId}' must be at most ${MAX_RUN_ID_LENGTH} letters, digits or hyphens (it names the training job)`,
      'runId',
    );
  }
  return runId;
}

/**
 * Creates the run and moves it to RUNNING. The API may have created it (QUEUED) already, and a
 * retried Validate finds it RUNNING: both are the same run, not a conflict.
 */
async function startRun(
  deps: CoreDeps,
  request: PipelineRequest,
  dataset: DatasetRecord,
  ids: { runId: string; executionId?: string; request: z.infer<typeof TrainingRequestBodySchema> },
): Promise<Run> {
  let run: Run;
  try {
    run = await createRun(deps, {
      id: ids.runId,
      experiment: request.experiment,
      algorithm: request.algorithm,
      hyperparameters: hyperparametersFor(request, request.algorithm),
      dataset: { name: dataset.name, version: dataset.version, target: request.target },
      split: {
        strategy: request.split ?? defaultSplit(request.task),
        testSize: request.testSize,
        seed: request.seed,
      },
      executionId: ids.executionId,
      triggeredBy: request.triggeredBy,
      request: ids.request,
    });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    run = await getRun(deps, { runId: ids.runId });
    if (run.experiment !== request.experiment || (run.status !== 'QUEUED' && run.status !== 'RUNNING'))
      throw error;
  }
  if (run.status === 'RUNNING') return run;
  return transitionRun(deps, {
    runId: run.id,
    status: 'RUNNING',
    reason: `validated: ${request.algorithm} on ${dataset.name}@${dataset.version.slice(0, 12)}`,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
