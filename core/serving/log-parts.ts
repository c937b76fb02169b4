import type { PredictionLogRecord } from '../../contracts/serving.js';
import {
  type BuiltPart,
  encodeRecord,
  MAX_PART_BYTES,
  MAX_PART_SPAN_MS,
  SEGMENT_SIZE,
  segmentOf,
} from './log-layout.js';

/** A part being filled. */
interface OpenPart {
  /** Its key in the builder's open parts. */
  readonly key: string;
  readonly segment: string;
  readonly endpoint: string;
  minAt: number;
  maxAt: number;
  count: number;
  bytes: Buffer;
  used: number;
}

/** A single-row record's line is ~0.5 KB: a part of SEGMENT_SIZE of them fits without growing. */
const INITIAL_BYTES = 48 * 1024;

/**
 * Groups logged records into parts (one segment and endpoint each, in arrival order) as they
 * arrive, cutting a part at SEGMENT_SIZE records, MAX_PART_BYTES, or MAX_PART_SPAN_MS between
 * its records; `take()` hands over every part, open ones included.
 *
 * Why the lines go straight into Buffers: a record waits up to the writer's fill or interval
 * before it is written, so as a JS string it outlived young-generation collections, was copied
 * by each and promoted to the old generation, to be marked and compacted there later. In an
 * external Buffer it costs the collector nothing (bench/prediction-log.ts measures the answering
 * thread's CPU per record).
 */
export class PartBuilder {
  private readonly open = new Map<string, OpenPart>();
  private done: BuiltPart[] = [];
  /** The part the last record went to: consecutive records almost always share it. */
  private last: OpenPart | undefined;
  /** Records held (open and finished parts). */
  records = 0;

  /** Adds a record; returns its line (the journal writes the same one). */
  add(record: PredictionLogRecord): string {
    const line = encodeRecord(record);
    const segment = segmentOf(record.requestId);
    const atMs = Date.parse(record.at);
    let part = this.last;
    if (part === undefined || part.segment !== segment || part.endpoint !== record.endpoint)
      part = this.open.get(partKey(segment, record.endpoint));
    if (part !== undefined && !fits(part, line, atMs)) {
      this.finish(part);
      part = undefined;
    }
    if (part === undefined) {
      part = {
        key: partKey(segment, record.endpoint),
        segment,
        endpoint: record.endpoint,
        minAt: atMs,
        maxAt: atMs,
        count: 0,
        // An id outside the writer's segments is a segment of its own: sized for its one record
        // (its shadows' records, if any, grow it).
        bytes: Buffer.allocUnsafe(segment === record.requestId ? maxBytes(line) : INITIAL_BYTES),
        used: 0,
      };
      this.open.set(part.key, part);
    }
    append(part, line);
    part.minAt = Math.min(part.minAt, atMs);
    part.maxAt = Math.max(part.maxAt, atMs);
    this.last = part;
    this.records++;
    if (part.count === SEGMENT_SIZE) this.finish(part); // a segment holds no more ids
    return line;
  }

  /** Every part built so far, finished first, then the open ones in the order they opened. */
  take(): BuiltPart[] {
    for (const part of [...this.open.values()]) this.finish(part);
    const parts = this.done;
    this.done = [];
    this.records = 0;
    return parts;
  }

  private finish(part: OpenPart): void {
    this.open.delete(part.key);
    if (this.last === part) this.last = undefined;
    this.done.push({
      segment: part.segment,
      endpoint: part.endpoint,
      minAt: part.minAt,
      maxAt: part.maxAt,
      count: part.count,
      lines: part.bytes.subarray(0, part.used),
    });
  }
}

const partKey = (segment: string, endpoint: string) => `${segment}\n${endpoint}`;

/** UTF-8 bytes of a line, at most: 3 per UTF-16 unit. */
const maxBytes = (line: string) => 3 * line.length;

/** Whether `line` may join `part` (which has room for more records: add() closes full ones). */
function fits(part: OpenPart, line: string, atMs: number): boolean {
  if (Math.max(part.maxAt, atMs) - Math.min(part.minAt, atMs) > MAX_PART_SPAN_MS) return false;
  const room = MAX_PART_BYTES - part.used - 1;
  return maxBytes(line) <= room || Buffer.byteLength(line) <= room;
}

function append(part: OpenPart, line: string): void {
  const need = part.used + 1 + maxBytes(line);
  if (need > part.bytes.length) {
    const grown = Buffer.allocUnsafe(Math.max(2 * part.bytes.length, need));
    part.bytes.copy(grown, 0, 0, part.used);
    part.bytes = grown;
  }
  if (part.count > 0) part.bytes[part.used++] = 0x0a; // '\n'
  part.used += part.bytes.write(line, part.used);
  part.count++;
}
