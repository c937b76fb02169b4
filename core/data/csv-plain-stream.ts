import { ValidationError } from '../errors.js';
import { checkHeader } from './csv.js';
import { needsFullParser, plainCellBounds } from './csv-plain.js';
import { isMissingCell } from './infer.js';
import { quote } from './write.js';

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

/**
 * The cell bounds of a plain file's data lines, in order (one reused array: see
 * `plainCellBounds`); a line whose field count differs from the header's is refused, naming its
 * row (the header is row 1).
 */
export function plainRowBounds(
  columns: number,
  field: string,
): (buf: Uint8Array, from: number, to: number) => Int32Array {
  const bounds = new Int32Array(columns + 2);
  let row = 2;
  return (buf, from, to) => {
    const count = plainCellBounds(buf, from, to, bounds);
    if (count !== columns)
      throw new ValidationError(`${field}: row ${row} has ${count} fields, the header has ${columns}`, field);
    row++;
    return bounds;
  };
}

/** The chunks already read, then the rest of the iterator's. */
export async function* replayed(
  head: readonly Uint8Array[],
  iterator: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* head;
  for (let item = await iterator.next(); !item.done; item = await iterator.next()) yield item.value;
}

/** A plain file's checked header and the bytes after it, or only the chunks read (`consumed`). */
export type PlainHeader =
  | { readonly names: readonly string[]; readonly rest: Uint8Array; readonly consumed: readonly Uint8Array[] }
  | { readonly names?: undefined; readonly consumed: readonly Uint8Array[] };

/**
 * Reads chunks until the header line ends. No names when csv-parse must read the file instead:
 * a chunk that needs the full parser, or no complete header line (an empty or one-line file,
 * whose errors csv-parse gives); the caller replays `consumed` to it.
 */
export async function plainHeader(iterator: AsyncIterator<Uint8Array>, field: string): Promise<PlainHeader> {
  const consumed: Uint8Array[] = [];
  let head: Uint8Array = new Uint8Array(0);
  for (;;) {
    const item = await iterator.next();
    if (item.done) return { consumed };
    consumed.push(item.value);
    if (needsFullParser(item.value)) return { consumed };
    head = Buffer.concat([head, item.value]);
    if (head.length < 3) continue;
    let start = hasBom(head) ? 3 : 0;
    while (start < head.length && head[start] === NEWLINE) start++;
    const end = head.indexOf(NEWLINE, start);
    if (end < 0) continue;
    const line = Buffer.from(head.buffer, head.byteOffset + start, end - start).toString('utf8');
    return { names: checkHeader(line.split(','), field), rest: head.subarray(end + 1), consumed };
  }
}

/**
 * `csvRecordsOfStream`'s records, read from the bytes while the file is plain. At the first chunk
 * that is not, the rest (from the unfinished line on) goes through csv-parse behind a copy of the
 * header; the records are the same, but a ragged row's number then counts from that point.
 */
export async function csvRecordsPlainFirst(
  source: AsyncIterable<Uint8Array>,
  field: string,
  parsed: (
    source: AsyncIterable<Uint8Array>,
  ) => Promise<{ names: readonly string[]; rows: AsyncIterable<string[]> }>,
): Promise<{ names: readonly string[]; rows: AsyncIterable<string[]> }> {
  const iterator = source[Symbol.asyncIterator]();
  const head = await plainHeader(iterator, field);
  if (!head.names) return parsed(replayed(head.consumed, iterator));
  const { names, rest } = head;
  const headerLine = Buffer.from(`${names.map(quote).join(',')}\n`, 'utf8');
  async function* rows(): AsyncGenerator<string[]> {
    const boundsOf = plainRowBounds(names.length, field);
    let carry: Uint8Array = rest;
    const cellsOf = (buf: Uint8Array, from: number, to: number): string[] => {
      const bounds = boundsOf(buf, from, to);
      const cells = new Array<string>(names.length);
      for (let c = 0; c < names.length; c++) cells[c] = plainCell(buf, bounds, c);
      return cells;
    };
    for (;;) {
      let pos = 0;
      for (let nl = carry.indexOf(NEWLINE); nl >= 0; nl = carry.indexOf(NEWLINE, pos)) {
        if (nl > pos) yield cellsOf(carry, pos, nl);
        pos = nl + 1;
      }
      carry = carry.subarray(pos);
      const item = await iterator.next();
      if (item.done) break;
      if (needsFullParser(item.value)) {
        yield* (await parsed(replayed([headerLine, carry, item.value], iterator))).rows;
        return;
      }
      carry = carry.length ? Buffer.concat([carry, item.value]) : item.value;
    }
    if (carry.length) yield cellsOf(carry, 0, carry.length);
  }
  return { names, rows: rows() };
}
