import { GetObjectCommand } from '@aws-sdk/client-s3';
import * as z from 'zod';
import type { BatchJob } from '../../contracts/batch.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError } from '../errors.js';
import { toS3Uri } from '../artifacts/uri.js';
import { getModelVersion } from '../registry/versions.js';
import { inOrder, MultipartOutput } from './concat.js';
import { finishBatchJob, getBatchJob } from './jobs.js';
import {
  type BatchEntry,
  bodyOf,
  indexResults,
  linesAt,
  parseResult,
  planReads,
  type Read,
} from './result-lines.js';
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

/** Bytes one ranged GET over a result file spans at most (unless one result is larger). */
const RANGE_BYTES = 4 * 1024 * 1024;
/** Reads (GETs) in flight ahead of the one being written. */
const READ_AHEAD = 4;

/**
 * The Assemble state: reads the ResultWriter manifest, indexes the batches' results (streaming:
 * an entry per batch, no output lines), then writes the predictions object (with a header for
 * CSV) and the errors file in row order, streaming: each batch's lines come from its result
 * (ranged GETs, one per run of results adjacent in a result file) or from its part objects.
 * Ends the job SUCCEEDED with its row counts and duration.
 */
export async function assembleBatch(deps: CoreDeps, payload: unknown): Promise<BatchJob> {
  const parsed = AssembleInputSchema.safeParse(payload);
  if (!parsed.success) throw fromZodError(parsed.error, 'payload');
  const { jobId, output, mapRun } = parsed.data;
  const job = await getBatchJob(deps, jobId);
  const results = mapRun.ResultWriterDetails;
  const manifest = ManifestSchema.parse(JSON.parse(await readText(deps, results.Bucket, results.Key)));
  const { entries, counts } = await indexResults(
    deps,
    results.Bucket,
    manifest.ResultFiles.SUCCEEDED.map((f) => f.Key),
  );
  const failed = await countFailed(
    deps,
    results.Bucket,
    manifest.ResultFiles.FAILED.map((f) => f.Key),
  );
  const version = await getModelVersion(deps, { model: job.model, version: job.version });
  const keys = outputKeys(output.prefix, jobId, output.format);
  const header = output.format === 'csv' ? `${outputColumns(version.contract).join(',')}\n` : '';
  await writeOutputs(deps, { bucket: output.bucket, ...keys }, header, results.Bucket, entries);
  const finishedAt = deps.now();
  const fields = {
    status: 'SUCCEEDED' as const,
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - Date.parse(job.createdAt),
    predictionsUri: toS3Uri(output.bucket, keys.predictions),
    errorsUri: toS3Uri(output.bucket, keys.errors),
    manifestUri: toS3Uri(results.Bucket, results.Key),
    rows: {
      total: counts.rows + failed.rows,
      scored: counts.scored,
      invalid: counts.invalid,
      failed: failed.rows,
    },
    batches: { total: counts.batches + failed.batches, failed: failed.batches },
  };
  await finishBatchJob(deps, jobId, fields);
  return { ...job, ...fields };
}

/** Failed batches and their rows, from the FAILED result files (each entry keeps its Input). */
async function countFailed(deps: CoreDeps, bucket: string, keys: readonly string[]) {
  let batches = 0;
  let rows = 0;
  for (const key of keys) {
    for await (const line of linesAt(await bodyOf(deps, bucket, key))) {
      const text = line.bytes.toString('utf8');
      if (text.trim() === '') continue;
      batches++;
      const input = JSON.parse((JSON.parse(text) as { Input: string }).Input) as { Items?: unknown[] };
      rows += input.Items?.length ?? 0;
    }
  }
  return { batches, rows };
}

/** One read's lines: the output lines and the bad rows of its batches, in row order. */
interface Lines {
  readonly out: (string | Buffer)[];
  readonly errors: (string | Buffer)[];
}

/** Writes the predictions and errors objects in entry (row) order, both streamed as multipart. */
async function writeOutputs(
  deps: CoreDeps,
  target: { bucket: string; predictions: string; errors: string },
  header: string,
  resultsBucket: string,
  entries: readonly BatchEntry[],
): Promise<void> {
  const predictions = new MultipartOutput(deps, target.bucket, target.predictions);
  const errors = new MultipartOutput(deps, target.bucket, target.errors);
  try {
    await predictions.write(header);
    await errors.write('row,reason\n');
    const reads = planReads(entries, RANGE_BYTES).map(
      (read) => () => readLines(deps, resultsBucket, target.bucket, read),
    );
    for await (const lines of inOrder(reads, READ_AHEAD)) {
      for (const text of lines.out) await predictions.write(text);
      for (const text of lines.errors) await errors.write(text);
    }
    await predictions.end();
    await errors.end();
  } catch (error) {
    await Promise.all([predictions.abort(), errors.abort()]);
    throw error;
  }
}

/** Fetches one read: a ranged GET over adjacent results (checked: `count` of them), or a batch's parts. */
async function readLines(
  deps: CoreDeps,
  resultsBucket: string,
  partsBucket: string,
  read: Read,
): Promise<Lines> {
  if ('key' in read) {
    const out: string[] = [];
    const errors: string[] = [];
    const range = `bytes=${read.start}-${read.end - 1}`;
    for await (const line of linesAt(await bodyOf(deps, resultsBucket, read.key, range))) {
      const r = parseResult(line.bytes);
      out.push(r.lines ?? '');
      errors.push(r.errorLines ?? '');
    }
    if (out.length !== read.count)
      throw new Error(`${read.key}: expected ${read.count} results in bytes ${range}, read ${out.length}`);
    return { out, errors };
  }
  const part = (key: string | null) =>
    key === null ? Promise.resolve([]) : readBytes(deps, partsBucket, key).then((b) => [b]);
  const [out, errors] = await Promise.all([part(read.part), part(read.errorsPart)]);
  return { out, errors };
}

async function readBytes(deps: CoreDeps, bucket: string, key: string): Promise<Buffer> {
  const { Body } = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from((await Body?.transformToByteArray()) ?? []);
}

async function readText(deps: CoreDeps, bucket: string, key: string): Promise<string> {
  const { Body } = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await Body?.transformToString()) ?? '';
}
