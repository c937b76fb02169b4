import { randomBytes } from 'node:crypto';
import {
  type BatchExecutionInput,
  type BatchFormat,
  type BatchJob,
  type BatchJobView,
  BatchPredictRequestSchema,
} from '../../contracts/batch.js';
import { parseS3Uri } from '../artifacts/uri.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError } from '../errors.js';
import type { MapRunReader, PipelineRunner } from '../ports.js';
import { resolveEndpoint } from '../serving/resolver.js';
import { createBatchJob, finishBatchJob, getBatchJob } from './jobs.js';
import { type BatchLocations, requireUnder } from './locations.js';

/** `20300101T000000Z-3f9a1c`: sorts by start time. */
function newJobId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}-${randomBytes(3).toString('hex')}`;
}

function formatOf(key: string): BatchFormat {
  return /\.(jsonl|ndjson)$/i.test(key) ? 'jsonl' : 'csv';
}

/**
 * Starts a batch job on an endpoint: pins the version the endpoint serves now (its heaviest
 * variant, or the champion), stores the RUNNING job, starts batch-predict.asl.json. The whole
 * job scores with that version even if the champion moves meanwhile.
 * @throws ValidationError naming the field; NotFoundError for an unknown endpoint or no champion.
 */
export async function startBatchJob(
  deps: CoreDeps,
  runner: PipelineRunner,
  input: { endpoint: string; request: unknown; locations?: BatchLocations },
): Promise<BatchJob> {
  const parsed = BatchPredictRequestSchema.safeParse(input.request);
  if (!parsed.success) throw fromZodError(parsed.error);
  const req = parsed.data;
  const source = parseS3Uri(req.input, 'input');
  const target = parseS3Uri(req.output, 'output');
  const confined = input.locations;
  if (confined) {
    requireUnder(source, confined.bucket, confined.inputPrefix, 'input');
    requireUnder(target, confined.bucket, confined.outputPrefix, 'output');
  }
  const { endpoint, traffic } = await resolveEndpoint(deps, input.endpoint);
  const pinned = [...traffic.variants].sort((a, b) => b.weight - a.weight)[0];
  const now = deps.now();
  const jobId = newJobId(now);
  const format = req.format ?? formatOf(source.key);
  const outputFormat = req.outputFormat ?? format;
  const job: BatchJob = {
    jobId,
    endpoint: endpoint.name,
    model: endpoint.model,
    version: pinned.version,
    status: 'RUNNING',
    input: req.input,
    output: req.output,
    format,
    outputFormat,
    ...(req.keyColumn ? { keyColumn: req.keyColumn } : {}),
    maxConcurrency: req.maxConcurrency,
    batchSize: req.batchSize,
    toleratedFailurePercentage: req.toleratedFailurePercentage,
    executionId: jobId,
    createdAt: now.toISOString(),
  };
  const execution: BatchExecutionInput = {
    jobId,
    model: job.model,
    version: job.version,
    keyColumn: req.keyColumn ?? null,
    input: { bucket: source.bucket, prefix: source.key, format },
    output: {
      bucket: target.bucket,
      prefix: target.key,
      format: outputFormat,
      resultsPrefix: `${target.key}_work/${jobId}/results`,
      partsPrefix: `${target.key}_work/${jobId}/parts/`,
    },
    batch: { maxItems: req.batchSize, maxBytes: req.maxBatchBytes },
    maxConcurrency: req.maxConcurrency,
    toleratedFailurePercentage: req.toleratedFailurePercentage,
  };
  await createBatchJob(deps, job);
  try {
    await runner.start('batch', jobId, execution);
  } catch (error) {
    const at = deps.now().toISOString();
    await finishBatchJob(deps, jobId, {
      status: 'FAILED',
      finishedAt: at,
      error: `could not start: ${String(error)}`,
    });
    throw error;
  }
  return job;
}

/** A job with its live progress while it runs (when the runtime can tell). */
export async function describeBatchJob(
  deps: CoreDeps,
  mapRuns: MapRunReader | undefined,
  jobId: string,
): Promise<BatchJobView> {
  const job = await getBatchJob(deps, jobId);
  if (job.status !== 'RUNNING' || !mapRuns) return job;
  const counts = await mapRuns.mapRunCounts(job.executionId);
  if (!counts) return job;
  return {
    ...job,
    progress: {
      rowsRead: counts.itemsTotal,
      rowsDone: counts.itemsSucceeded,
      rowsFailed: counts.itemsFailed,
      readerDone: counts.readerDone,
      batches: counts.executionsTotal,
      batchesFailed: counts.executionsFailed,
    },
  };
}
