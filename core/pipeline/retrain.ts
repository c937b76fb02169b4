import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type PipelineRequest, PipelineRequestSchema } from '../../contracts/pipeline.js';
import { ExperimentNameSchema } from '../../contracts/tracking.js';
import {
  type DatasetRef,
  requestAlgorithms,
  type TrainingRequestBodySchema,
} from '../../contracts/training-request.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError, ValidationError } from '../errors.js';
import type { PipelineName, PipelineRunner } from '../ports.js';
import { getExperiment } from '../tracking/experiments.js';

export const RetrainInputSchema = z.object({
  experiment: ExperimentNameSchema,
  /** What started it: a drift report URI, `schedule:<expression>`, `api`, ... (recorded on the run). */
  triggeredBy: z.string().min(1).max(1024),
});
export type RetrainInput = z.infer<typeof RetrainInputSchema>;

export interface RetrainResult {
  /** `sweep` when the last request listed several algorithms. */
  readonly pipeline: PipelineName;
  readonly executionId: string;
  /** The run; for a sweep the id its variant runs derive theirs from. */
  readonly runId: string;
  /** One per algorithm: `runId` itself, or `<runId>-v<i>` for the variants of a sweep. */
  readonly runIds: readonly string[];
  /** The request the execution was started with. */
  readonly request: PipelineRequest | SweepRequest;
}

/** A sweep's execution request: the training request with its algorithm list, run and trigger. */
export type SweepRequest = z.infer<typeof TrainingRequestBodySchema> & {
  readonly runId: string;
  readonly executionId: string;
  readonly triggeredBy: string;
};

/**
 * Starts an execution that replays an experiment's last training request on the latest
 * version of its dataset: the request's explicit dataset version is dropped, so Validate
 * resolves the latest one (and records it as the run's lineage). A request with several
 * algorithms replays as a sweep (each algorithm its own run, the best deployed by the request's
 * policy). The run id is allocated here, so the caller can link to it at once.
 *
 * @throws NotFoundError('experiment', name) when the experiment does not exist
 * @throws ValidationError (field `experiment`) when it has never been trained (no `lastRequest`)
 *
 * @example
 * const { runId } = await retrain(deps, runner, { experiment: 'iris', triggeredBy: report.uri });
 */
export async function retrain(
  deps: CoreDeps,
  runner: PipelineRunner,
  input: RetrainInput,
): Promise<RetrainResult> {
  const parsed = RetrainInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { experiment: name, triggeredBy } = parsed.data;
  const experiment = await getExperiment(deps, { name });
  const last = experiment.lastRequest;
  if (!last) {
    throw new ValidationError(
      `experiment: '${name}' has no lastRequest to retrain (train it once first)`,
      'experiment',
    );
  }
  const runId = newRunId(deps.now());
  // The execution is named after the run, so the run can record it before the ARN is known.
  const replay = {
    ...last,
    experiment: name,
    dataset: latestVersion(last.dataset),
    runId,
    executionId: runId,
    triggeredBy,
  };
  const algorithms = requestAlgorithms(last);
  if (algorithms.length > 1) {
    const request: SweepRequest = { ...replay, algorithm: algorithms };
    const { executionId } = await runner.start('sweep', runId, { request });
    const runIds = algorithms.map((_, i) => variantRunId(runId, i));
    return { pipeline: 'sweep', executionId, runId, runIds, request };
  }
  const request = PipelineRequestSchema.safeParse({ ...replay, algorithm: algorithms[0] });
  if (!request.success) throw fromZodError(request.error, 'lastRequest');
  const { executionId } = await runner.start('training', runId, { request: request.data });
  return { pipeline: 'training', executionId, runId, runIds: [runId], request: request.data };
}

/** The same dataset without a pinned version: the pipeline reads the latest one. */
function latestVersion(dataset: DatasetRef): DatasetRef {
  const { version: _pinned, ...latest } = dataset;
  return latest;
}

/** The run of a sweep's variant `index`: the sweep's run id with the variant's index. */
export function variantRunId(runId: string, index: number): string {
  return `${runId}-v${index}`;
}

/** Longest run id: it becomes the SageMaker job name `cirrus-<runId>` (at most 63 characters). */
export const MAX_RUN_ID_LENGTH = 56;

/**
 * A time-ordered run id, `YYYYMMDD-HHMMSS-mmm-<8 hex>` (28 characters): ids sort by creation
 * time, and use only letters, digits and hyphens, as SageMaker job names and S3 keys need.
 */
export function newRunId(now: Date, random: (bytes: number) => Buffer = randomBytes): string {
  const iso = now.toISOString(); // 2025-01-02T03:04:05.678Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${iso.slice(20, 23)}`;
  return `${stamp}-${random(4).toString('hex')}`;
}
