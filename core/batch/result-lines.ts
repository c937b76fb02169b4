import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type ScoreBatchResult, ScoreBatchResultSchema } from '../../contracts/batch.js';
import type { CoreDeps } from '../deps.js';

/** A line of a result file: its bytes (no newline) and where they sit in the file. */
export interface LineAt {
  readonly bytes: Buffer;
  readonly start: number;
  readonly end: number;
}

/** The lines of a byte stream with their byte offsets (split at `\n`; a last line may lack it). */
export async function* linesAt(body: AsyncIterable<Uint8Array>): AsyncGenerator<LineAt> {
  let pieces: Buffer[] = [];
  let start = 0;
  for await (const chunk of body) {
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    for (let nl = buf.indexOf(10, from); nl !== -1; nl = buf.indexOf(10, from)) {
      pieces.push(buf.subarray(from, nl));
      const bytes = pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
      yield { bytes, start, end: start + bytes.length };
      start += bytes.length + 1;
      pieces = [];
      from = nl + 1;
    }
    if (from < buf.length) pieces.push(buf.subarray(from));
  }
  if (pieces.length > 0) {
    const bytes = Buffer.concat(pieces);
    yield { bytes, start, end: start + bytes.length };
  }
}

/**
 * One batch's place in the output: its first row and where its lines are, either inline in a
 * result file (`key`, bytes `start`..`end` of the result's JSON line) or in part objects.
 */
export type BatchEntry =
  | { readonly firstRow: number; readonly key: string; readonly start: number; readonly end: number }
  | { readonly firstRow: number; readonly part: string | null; readonly errorsPart: string | null };

export interface Counts {
  rows: number;
  scored: number;
  invalid: number;
  batches: number;
}

/** Parses one result line (a COMPACT success: the child's ScoreBatchResult). */
export function parseResult(bytes: Buffer): ScoreBatchResult {
  return ScoreBatchResultSchema.parse(JSON.parse(bytes.toString('utf8')));
}

/**
 * Reads the SUCCEEDED result files streaming and keeps only an entry per batch (no output lines)
 * and the counts, so memory is bounded by the batch count, not the rows.
 */
export async function indexResults(
  deps: CoreDeps,
  bucket: string,
  keys: readonly string[],
): Promise<{ entries: BatchEntry[]; counts: Counts }> {
  const entries: BatchEntry[] = [];
  const counts: Counts = { rows: 0, scored: 0, invalid: 0, batches: 0 };
  for (const key of keys) {
    for await (const line of linesAt(await bodyOf(deps, bucket, key))) {
      if (line.bytes.toString('utf8').trim() === '') continue;
      const r = parseResult(line.bytes);
      counts.rows += r.rows;
      counts.scored += r.scored;
      counts.invalid += r.invalid;
      counts.batches++;
      entries.push(
        r.lines !== undefined || r.errorLines !== undefined
          ? { firstRow: r.firstRow, key, start: line.start, end: line.end }
          : { firstRow: r.firstRow, part: r.part, errorsPart: r.errorsPart },
      );
    }
  }
  entries.sort((a, b) => a.firstRow - b.firstRow);
  return { entries, counts };
}

/** The body of an object as a byte stream (`range`: inclusive `bytes=a-b`). */
export async function bodyOf(
  deps: CoreDeps,
  bucket: string,
  key: string,
  range?: string,
): Promise<AsyncIterable<Uint8Array>> {
  const { Body } = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
  return (Body as AsyncIterable<Uint8Array> | undefined) ?? (async function* () {})();
}

/**
 * A GET the output needs, in row order: a run of inline results adjacent in one result file
 * (one ranged GET over `start`..`end`, at most `maxBytes` unless one result is larger), or one
 * batch's part objects.
 */
export type Read =
  | { readonly key: string; readonly start: number; readonly end: number; readonly count: number }
  | { readonly part: string | null; readonly errorsPart: string | null };

/** Coalesces row-ordered entries into reads: results next to each other in a file share a GET. */
export function planReads(entries: readonly BatchEntry[], maxBytes: number): Read[] {
  const reads: Read[] = [];
  let run: { key: string; start: number; end: number; count: number } | undefined;
  for (const e of entries) {
    if (!('key' in e)) {
      run = undefined;
      reads.push({ part: e.part, errorsPart: e.errorsPart });
      continue;
    }
    if (run && run.key === e.key && e.start === run.end + 1 && e.end - run.start <= maxBytes) {
      run.end = e.end;
      run.count++;
      continue;
    }
    run = { key: e.key, start: e.start, end: e.end, count: 1 };
    reads.push(run);
  }
  return reads;
}
