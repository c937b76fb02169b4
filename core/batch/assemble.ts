import { GetObjectCommand } from '@aws-sdk/client-s3';
import * as z from 'zod';
import type { BatchJob } from '../../contracts/batch.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError } from '../errors.js';
import { toS3Uri } from '../artifacts/uri.js';
import { getModelVersion } from '../registry/versions.js';
import { MultipartOutput } from './concat.js';
import { finishBatchJob, getBatchJob } from './jobs.js';
import { bodyOf, linesAt, parseResult } from './result-lines.js';
import { type BatchLines, RowOrder } from './row-order.js';
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

/** Characters of batch lines Assemble holds while waiting for earlier rows (row-order.ts). */
export const ASSEMBLE_WINDOW_CHARS = 64 * 1024 * 1024;

/**
 * The Assemble state: reads the ResultWriter manifest, then the result files once, streaming,
 * writing the predictions object (with a header for CSV) and the errors file in row order as it
 * goes (both streamed as multipart): a batch's lines come inline in its result or from its part
 * objects; results met before their turn wait in a bounded window (`windowChars`), past which
 * they are re-read from the result file when due. Ends the job SUCCEEDED with its row counts
 * and duration.
 */
export async function assembleBatch(
  deps: CoreDeps,
  payload: unknown,
  windowChars = ASSEMBLE_WINDOW_CHARS,
): Promise<BatchJob> {
  const parsed = AssembleInputSchema.safeParse(payload);
  if (!parsed.success) throw fromZodError(parsed.error, 'payload');
  const { jobId, output, mapRun } = parsed.data;
  const job = await getBatchJob(deps, jobId);
  const results = mapRun.ResultWriterDetails;
  const manifest = ManifestSchema.parse(JSON.parse(await readText(deps, results.Bucket, results.Key)));
  const failed = await readFailed(
    deps,
    results.Bucket,
    manifest.ResultFiles.FAILED.map((f) => f.Key),
  );
  const version = await getModelVersion(deps, { model: job.model, version: job.version });
  const keys = outputKeys(output.prefix, jobId, output.format);
  const header = output.format === 'csv' ? `${outputColumns(version.contract).join(',')}\n` : '';
  const counts = await writeOutputs(
    deps,
    { bucket: output.bucket, ...keys, header },
    { bucket: results.Bucket, keys: manifest.ResultFiles.SUCCEEDED.map((f) => f.Key) },
    new Map(failed.skipped),
    windowChars,
  );
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
    batches: { total: counts.batches + failed.skipped.length, failed: failed.skipped.length },
  };
  await finishBatchJob(deps, jobId, fields);
  return { ...job, ...fields };
}

/** Failed batches ([first row, rows]) from the FAILED result files (each entry keeps its Input). */
async function readFailed(deps: CoreDeps, bucket: string, keys: readonly string[]) {
  const skipped: [number, number][] = [];
  let rows = 0;
  for (const key of keys) {
    for await (const line of linesAt(await bodyOf(deps, bucket, key))) {
      const text = line.bytes.toString('utf8');
      if (text.trim() === '') continue;
      const input = JSON.parse((JSON.parse(text) as { Input: string }).Input) as {
        Items?: { row?: number }[];
      };
      const items = input.Items ?? [];
      skipped.push([items[0]?.row ?? -1, items.length]);
      rows += items.length;
    }
  }
  return { skipped, rows };
}

interface Counts {
  rows: number;
  scored: number;
  invalid: number;
  batches: number;
}

/**
 * Reads the SUCCEEDED result files once and writes the predictions and errors objects in row
 * order (RowOrder), both streamed as multipart. Returns the summed counts.
 */
async function writeOutputs(
  deps: CoreDeps,
  target: { bucket: string; predictions: string; errors: string; header: string },
  results: { bucket: string; keys: readonly string[] },
  skipped: ReadonlyMap<number, number>,
  windowChars: number,
): Promise<Counts> {
  const predictions = new MultipartOutput(deps, target.bucket, target.predictions);
  const errors = new MultipartOutput(deps, target.bucket, target.errors);
  const emit = async (b: BatchLines) => {
    const lines = await linesOf(deps, results.bucket, target.bucket, b);
    await predictions.write(lines.out);
    await errors.write(lines.errors);
  };
  const counts: Counts = { rows: 0, scored: 0, invalid: 0, batches: 0 };
  try {
    await predictions.write(target.header);
    await errors.write('row,reason\n');
    const order = new RowOrder(emit, skipped, windowChars);
    for (const key of results.keys) {
      for await (const line of linesAt(await bodyOf(deps, results.bucket, key))) {
        if (line.bytes.toString('latin1').trim() === '') continue;
        const r = parseResult(line.bytes);
        counts.rows += r.rows;
        counts.scored += r.scored;
        counts.invalid += r.invalid;
        counts.batches++;
        const inline = r.lines !== undefined || r.errorLines !== undefined;
        await order.add({
          ...r,
          ...(inline ? { at: { key, start: line.start, end: line.end } } : {}),
        });
      }
    }
    await order.finish();
    await predictions.end();
    await errors.end();
    return counts;
  } catch (error) {
    await Promise.all([predictions.abort(), errors.abort()]);
    throw error;
  }
}

/** A batch's lines: in memory, re-read from its place in a result file, or from its parts. */
async function linesOf(
  deps: CoreDeps,
  resultsBucket: string,
  partsBucket: string,
  b: BatchLines,
): Promise<{ out: string | Buffer; errors: string | Buffer }> {
  if (b.lines !== undefined || b.errorLines !== undefined)
    return { out: b.lines ?? '', errors: b.errorLines ?? '' };
  if (b.at) {
    const range = `bytes=${b.at.start}-${b.at.end - 1}`;
    for await (const line of linesAt(await bodyOf(deps, resultsBucket, b.at.key, range))) {
      const r = parseResult(line.bytes);
      if (r.firstRow === b.firstRow) return { out: r.lines ?? '', errors: r.errorLines ?? '' };
    }
    throw new Error(`${b.at.key}: no result for row ${b.firstRow} in bytes ${range}`);
  }
  const part = async (key: string | null | undefined) =>
    key ? readBytes(deps, partsBucket, key) : Buffer.alloc(0);
  const [out, errors] = await Promise.all([part(b.part), part(b.errorsPart)]);
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
