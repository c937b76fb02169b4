import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type PipelineRequest, PipelineRequestSchema } from '../../contracts/pipeline.js';
import { ExperimentNameSchema } from '../../contracts/tracking.js';
import { type DatasetRef, requestAlgorithms } from '../../contracts/training-request.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError, ValidationError } from '../errors.js';
import type { PipelineRunner } from '../ports.js';
import { getExperiment } from '../tracking/experiments.js';

export const RetrainInputSchema = z.object({
  experiment: ExperimentNameSchema,
  /** What started it: a drift report URI, `schedule:<expression>`, `api`, ... (recorded on the run). */
  triggeredBy: z.string().min(1).max(1024),
});
export type RetrainInput = z.infer<typeof RetrainInputSchema>;

export interface RetrainResult {
  readonly executionId: string;
  readonly runId: string;
  /** The request the execution was started with. */
  readonly request: PipelineRequest;
}

/**
 * Starts a training execution that replays an experiment's last training request on the
 * latest version of its dataset: the request's explicit dataset version is dropped, so Validate
 * resolves the latest one (and records it as the run's lineage). A list of algorithms (a sweep)
 * retrains its first one. The run id is allocated here, so the caller can link to it at once.
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
  const candidate = {
    ...last,
    experiment: name,
    algorithm: requestAlgorithms(last)[0],
    dataset: latestVersion(last.dataset),
    runId,
    // The execution is named after the run, so the run can record it before the ARN is known.
    executionId: runId,
    triggeredBy,
  };
  const request = PipelineRequestSchema.safeParse(candidate);
  if (!request.success) throw fromZodError(request.error, 'lastRequest');
  const { executionId } = await runner.start('training', runId, { request: request.data });
  return { executionId, runId, request: request.data };
}

/** The same dataset without a pinned version: the pipeline reads the latest one. */
function latestVersion(dataset: DatasetRef): DatasetRef {
  const { version: _pinned, ...latest } = dataset;
  return latest;
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
