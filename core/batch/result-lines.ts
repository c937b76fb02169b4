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

/** Parses one result line (a COMPACT success: the child's ScoreBatchResult). */
export function parseResult(bytes: Buffer): ScoreBatchResult {
  return ScoreBatchResultSchema.parse(JSON.parse(bytes.toString('utf8')));
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
