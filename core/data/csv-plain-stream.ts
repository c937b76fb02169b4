import { needsFullParser } from './csv-plain.js';
import { isMissingCell } from './infer.js';
import { quote } from './write.js';

const COMMA = 0x2c;
const NEWLINE = 0x0a;

/** Receives a plain CSV's lines (never empty, no '\n') as they are read. */
export interface PlainLineSink {
  line(buf: Uint8Array, from: number, to: number): void;
  /** Called after each chunk's lines (await point: backpressure). */
  drain(): Promise<void>;
}

const hasBom = (b: Uint8Array) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/**
 * Splits a plain CSV stream (no quote, no '\r': `needsFullParser`) into lines as csv-parse with
 * parseCsv's options reads it: a leading BOM dropped, empty lines skipped. Returns false, having
 * stopped reading, at the first chunk that needs the full parser (the caller starts over).
 */
export async function readPlainLines(
  source: AsyncIterable<Uint8Array>,
  sink: PlainLineSink,
): Promise<boolean> {
  let carry: Uint8Array | undefined;
  let first = true;
  const lines = (buf: Uint8Array, last: boolean) => {
    let pos = 0;
    for (let nl = buf.indexOf(NEWLINE); nl >= 0; nl = buf.indexOf(NEWLINE, pos)) {
      if (nl > pos) sink.line(buf, pos, nl);
      pos = nl + 1;
    }
    if (last && pos < buf.length) sink.line(buf, pos, buf.length);
    return pos < buf.length ? buf.subarray(pos) : undefined;
  };
  for await (const chunk of source) {
    if (needsFullParser(chunk)) return false;
    let buf: Uint8Array = carry ? Buffer.concat([carry, chunk]) : chunk;
    if (first && buf.length < 3) {
      carry = buf;
      continue;
    }
    if (first && hasBom(buf)) buf = buf.subarray(3);
    first = false;
    carry = lines(buf, false);
    await sink.drain();
  }
  if (carry) lines(first && hasBom(carry) ? carry.subarray(3) : carry, true);
  await sink.drain();
  return true;
}

/** Fills `bounds` as csv-plain's readPlain does (cell c is bounds[c]..bounds[c+1]-1); returns the count. */
export function plainCellBounds(buf: Uint8Array, from: number, to: number, bounds: Int32Array): number {
  let count = 0;
  bounds[0] = from;
  for (let i = from; i < to; i++) {
    if (buf[i] !== COMMA) continue;
    count++;
    if (count < bounds.length - 1) bounds[count] = i + 1;
  }
  count++;
  if (count < bounds.length) bounds[count] = to + 1;
  return count;
}

/** Cell c of a plain line, decoded as csv-parse decodes it (UTF-8). */
export function plainCell(buf: Uint8Array, bounds: Int32Array, c: number): string {
  const s = bounds[c]!;
  return Buffer.from(buf.buffer, buf.byteOffset + s, bounds[c + 1]! - 1 - s).toString('utf8');
}

/** An ASCII byte at a cell's edge that `trim()` keeps (tab, VT, FF and space are trimmed; '\r', '\n' cannot occur). */
const keptEdge = (b: number) => b > 0x20 && b < 0x80;

/**
 * Whether `csvLine` of the line's cells is the line's own bytes: every cell is empty, or is
 * neither quoted by `quote` nor a missing-value token (which csvLine writes empty).
 */
export function isCleanPlainLine(buf: Uint8Array, bounds: Int32Array, count: number): boolean {
  for (let c = 0; c < count; c++) {
    const s = bounds[c]!;
    const e = bounds[c + 1]! - 1;
    if (s === e) continue;
    const a = buf[s]!;
    const z = buf[e - 1]!;
    if (keptEdge(a) && keptEdge(z)) {
      // Missing tokens ('NA', 'N/A', 'NaN', 'nan', 'null', 'NULL') start with N or n, 2-4 bytes.
      if ((a === 0x4e || a === 0x6e) && e - s <= 4 && isMissingCell(plainCell(buf, bounds, c))) return false;
      continue;
    }
    if (a <= 0x20 || z <= 0x20) return false;
    const cell = plainCell(buf, bounds, c);
    if (isMissingCell(cell) || quote(cell) !== cell) return false;
  }
  return true;
}
