import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { FeedbackValue, PredictionLogRecord } from '../../contracts/serving.js';

/**
 * Item layout of the predictions table. Records are stored in *segments*, not one item each:
 * a busy server answers thousands of requests a second, and one DynamoDB item per prediction
 * made the log, not the model, the cost of every answer (CPU per item in the emulator, and a
 * write unit per item on AWS however small the record; bench/prediction-log.ts).
 *
 * - A request id names its segment: `<segment>.<index>`, handed out by the writer of the
 *   process that answered (`newRequestId`). Any other id is a segment of its own.
 * - Records reach DynamoDB in *parts*, one item per flush, segment and endpoint:
 *   `pk = LOG#<segment>`, `sk = PART#<writer>#<n>`, `records` = the records as JSON lines,
 *   gzip-compressed (Binary; `gunzip` in any language reads it). Why: the records of a part
 *   differ in a few numbers, so gzip's fastest level stores several times fewer bytes — on AWS
 *   fewer write units for the table and again for gsi1 (which projects every attribute), and
 *   locally less work for the SDK and the emulator than compressing costs (bench/prediction-log.ts).
 *   Parts written before compression hold the lines as a String; readers take both.
 *   A request's records are one Query of its segment's partition away (at most
 *   SEGMENT_SIZE records, a few parts).
 * - `gsi1pk = EP#<endpoint>`, `gsi1sk = <first at>#<segment>#<sk>`: an endpoint's window is a
 *   range query; a part spans at most MAX_PART_SPAN_MS, so a window starts that much earlier
 *   and each record is filtered by its own time.
 * - Ground truth is an attribute of the part holding the answer, `feedback#<requestId>`, set
 *   once by a conditional update (write-once, idempotent).
 * - `expiresAt`: epoch seconds, the table's TTL attribute.
 */
export const SEGMENT_SIZE = 64;
export const MAX_PART_SPAN_MS = 60_000;
/** DynamoDB's item limit is 400 KB; a part's records stay under this, leaving room for feedback. */
export const MAX_PART_BYTES = 250_000;
/** A single record's rows beyond this are dropped and `truncated` set. */
export const MAX_RECORD_BYTES = 200_000;

export const logPk = (segment: string) => `LOG#${segment}`;
export const endpointGsiPk = (endpoint: string) => `EP#${endpoint}`;
export const feedbackAttribute = (requestId: string) => `feedback#${requestId}`;

/** The segment a request id belongs to. */
export function segmentOf(requestId: string): string {
  const dot = requestId.lastIndexOf('.');
  return dot > 0 && SEGMENTED_ID.test(requestId) ? requestId.slice(0, dot) : requestId;
}

const SEGMENTED_ID = /^[a-z0-9]{12}-[a-z0-9]+\.\d+$/;

/**
 * Hands out request ids, SEGMENT_SIZE per segment. The writer id is random (80 bits), so two
 * processes (two Lambda containers) never share a segment.
 */
export class RequestIdAllocator {
  readonly writerId = randomBytes(10).toString('hex').slice(0, 12);
  private segment = 0;
  private index = SEGMENT_SIZE;

  next(): string {
    if (this.index >= SEGMENT_SIZE) {
      this.segment++;
      this.index = 0;
    }
    return `${this.writerId}-${this.segment.toString(36)}.${this.index++}`;
  }
}

/**
 * `JSON.stringify(rows).length`, but stops once `start + length` passes `budget` (a 10,000-row
 * batch is over after a few thousand rows; stringifying all of it slowed the batch answer that
 * bench/serving.ts times).
 */
function jsonLengthOver(rows: readonly unknown[], budget: number, start: number): number {
  let length = rows.length === 0 ? 2 : rows.length + 1; // brackets and commas
  for (const row of rows) {
    length += JSON.stringify(row).length;
    if (start + length > budget) break;
  }
  return length;
}

/** A record as one JSON line; rows that would overflow an item are dropped and `truncated` set. */
export function encodeRecord(record: PredictionLogRecord): string {
  // Only large batches can overflow; measuring small ones would cost every request a stringify.
  if (record.rowCount > 50) {
    const inputs = jsonLengthOver(record.inputs ?? [], MAX_RECORD_BYTES, 0);
    if (inputs + jsonLengthOver(record.outputs ?? [], MAX_RECORD_BYTES, inputs) > MAX_RECORD_BYTES) {
      const { inputs: _i, outputs: _o, ...rest } = record;
      return JSON.stringify({ ...rest, truncated: true });
    }
  }
  return JSON.stringify(record);
}

/** gzip's fastest level: nearly level 6's size at a fraction of its CPU per part (bench/prediction-log.ts). */
const GZIP_OPTIONS = { level: 1 } as const;

/** A part's lines as stored: gzip-compressed JSON lines. */
export function encodeLines(lines: Uint8Array): Uint8Array {
  return gzipSync(lines, GZIP_OPTIONS);
}

/** A stored part's records as JSON-lines text (gzip Binary, or a String from before compression). */
export function partText(records: unknown): string {
  if (typeof records === 'string') return records;
  if (records instanceof Uint8Array) return gunzipSync(records).toString('utf8');
  return '';
}

/**
 * A part's records as stored: JSON lines (UTF-8, `\n` between them), plus what its item needs
 * (built by log-parts.ts's PartBuilder, stored by `partItem`).
 */
export interface BuiltPart {
  readonly segment: string;
  readonly endpoint: string;
  readonly minAt: number;
  readonly maxAt: number;
  readonly count: number;
  readonly lines: Buffer;
}

/** The stored item of a part. `n` numbers the writer's parts, so keys never collide. */
export function partItem(
  part: BuiltPart,
  writerId: string,
  n: number,
  ttlSeconds: number,
): Record<string, unknown> {
  const sk = `PART#${writerId}#${n.toString(36).padStart(8, '0')}`;
  return {
    pk: logPk(part.segment),
    sk,
    gsi1pk: endpointGsiPk(part.endpoint),
    gsi1sk: `${new Date(part.minAt).toISOString()}#${part.segment}#${sk}`,
    count: part.count,
    records: encodeLines(part.lines),
    expiresAt: Math.floor(part.maxAt / 1000) + ttlSeconds,
  };
}

export interface StoredFeedback {
  readonly actual: FeedbackValue | FeedbackValue[];
  readonly at: string;
}
