import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import * as z from 'zod';
import { type BatchJob, ScoreBatchResultSchema, type ScoreBatchResult } from '../../contracts/batch.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError } from '../errors.js';
import { toS3Uri } from '../artifacts/uri.js';
import { getModelVersion } from '../registry/versions.js';
import { concatObjects } from './concat.js';
import { finishBatchJob, getBatchJob } from './jobs.js';
import { outputColumns } from './rows.js';

const AssembleInputSchema = z.object({
  jobId: z.string(),
  output: z.object({ bucket: z.string(), prefix: z.string(), format: z.enum(['csv', 'jsonl']) }),
  mapRun: z.object({
    MapRunArn: z.string(),
    ResultWriterDetails: z.object({ Bucket: z.string(), Key: z.string() }),
  }),
});

const ManifestSchema = z.object({
  ResultFiles: z.object({
    SUCCEEDED: z.array(z.object({ Key: z.string() })).default([]),
    FAILED: z.array(z.object({ Key: z.string() })).default([]),
  }),
});

/** Where a job's outputs go under its output prefix. */
export function outputKeys(prefix: string, jobId: string, format: 'csv' | 'jsonl') {
  return {
    predictions: `${prefix}predictions-${jobId}.${format}`,
    errors: `${prefix}errors-${jobId}.csv`,
  };
}

/**
 * The Assemble state: reads the ResultWriter manifest, concatenates the batches' parts in row order
 * into the predictions object (with a header for CSV) and their bad rows into the errors file,
 * and ends the job SUCCEEDED with its row counts and duration.
 */
export async function assembleBatch(deps: CoreDeps, payload: unknown): Promise<BatchJob> {
  const parsed = AssembleInputSchema.safeParse(payload);
  if (!parsed.success) throw fromZodError(parsed.error, 'payload');
  const { jobId, output, mapRun } = parsed.data;
  const job = await getBatchJob(deps, jobId);
  const manifest = ManifestSchema.parse(
    JSON.parse(await readText(deps, mapRun.ResultWriterDetails.Bucket, mapRun.ResultWriterDetails.Key)),
  );
  const results: ScoreBatchResult[] = [];
  for (const file of manifest.ResultFiles.SUCCEEDED) {
    for await (const line of lines(deps, mapRun.ResultWriterDetails.Bucket, file.Key)) {
      if (line.trim() !== '') results.push(ScoreBatchResultSchema.parse(JSON.parse(line)));
    }
  }
  let failedBatches = 0;
  let failedRows = 0;
  for (const file of manifest.ResultFiles.FAILED) {
    for await (const line of lines(deps, mapRun.ResultWriterDetails.Bucket, file.Key)) {
      if (line.trim() === '') continue;
      failedBatches++;
      const input = JSON.parse((JSON.parse(line) as { Input: string }).Input) as { Items?: unknown[] };
      failedRows += input.Items?.length ?? 0;
    }
  }
  results.sort((a, b) => a.firstRow - b.firstRow);
  const version = await getModelVersion(deps, { model: job.model, version: job.version });
  const keys = outputKeys(output.prefix, jobId, output.format);
  const header = output.format === 'csv' ? `${outputColumns(version.contract).join(',')}\n` : '';
  await concatObjects(
    deps,
    output.bucket,
    keys.predictions,
    header,
    results.flatMap((r) => (r.part ? [r.part] : [])),
  );
  await concatObjects(
    deps,
    output.bucket,
    keys.errors,
    'row,reason\n',
    results.flatMap((r) => (r.errorsPart ? [r.errorsPart] : [])),
  );
  const finishedAt = deps.now();
  const sum = (f: (r: ScoreBatchResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const fields = {
    status: 'SUCCEEDED' as const,
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(job.createdAt),
    predictionsUri: toS3Uri(output.bucket, keys.predictions),
    errorsUri: toS3Uri(output.bucket, keys.errors),
    manifestUri: toS3Uri(mapRun.ResultWriterDetails.Bucket, mapRun.ResultWriterDetails.Key),
    rows: {
      total: sum((r) => r.rows) + failedRows,
      scored: sum((r) => r.scored),
      invalid: sum((r) => r.invalid),
      failed: failedRows,
    },
    batches: { total: results.length + failedBatches, failed: failedBatches },
  };
  await finishBatchJob(deps, jobId, fields);
  return { ...job, ...fields };
}

async function readText(deps: CoreDeps, bucket: string, key: string): Promise<string> {
  const { Body } = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await Body?.transformToString()) ?? '';
}

async function* lines(deps: CoreDeps, bucket: string, key: string): AsyncGenerator<string> {
  const { Body } = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  yield* createInterface({ input: Body as Readable, crlfDelay: Number.POSITIVE_INFINITY });
}
