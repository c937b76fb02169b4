import { ValidationError } from '../errors.js';
import { checkHeader } from './csv.js';
import { needsFullParser, plainCellBounds } from './csv-plain.js';
import { quote } from './write.js';

const NEWLINE = 0x0a;

/** Receives a CSV's records: plain lines as bytes, records csv-parse read as strings. */
export interface CsvRowSink {
  /** A plain line's cells: cell c is `buf[bounds[c] .. bounds[c+1]-1)`, as many as the header has. */
  bytes(buf: Uint8Array, bounds: Int32Array): void;
  /** A record read by csv-parse (after the file stopped being plain). */
  cells(cells: readonly string[]): void;
  /** Called after each chunk's plain lines and after each parsed record (await point: backpressure). */
  drain(): Promise<void>;
}

const hasBom = (b: Uint8Array) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/**
 * `csvRecordsPlainFirst` delivered to a sink: the same records, in the same order, with the same
 * header and ragged-row errors, but plain lines reach the sink as bytes (no string per cell).
 * At the first chunk that needs the full parser, the rest (from the unfinished line on) goes
 * through `parsed` behind a copy of the header. `open` gets the header's names, returns the sink.
 */
export async function readCsvPlainFirst(
  source: AsyncIterable<Uint8Array>,
  field: string,
  parsed: (
    source: AsyncIterable<Uint8Array>,
  ) => Promise<{ names: readonly string[]; rows: AsyncIterable<string[]> }>,
  open: (names: readonly string[]) => CsvRowSink,
): Promise<void> {
  const iterator = source[Symbol.asyncIterator]();
  async function* replay(head: Uint8Array[]): AsyncGenerator<Uint8Array> {
    yield* head;
    for (let item = await iterator.next(); !item.done; item = await iterator.next()) yield item.value;
  }
  const fallback = async (head: Uint8Array[], known?: CsvRowSink) => {
    const records = await parsed(replay(head));
    const sink = known ?? open(records.names);
    for await (const cells of records.rows) {
      sink.cells(cells);
      await sink.drain();
    }
  };
  const consumed: Uint8Array[] = [];
  let head: Uint8Array = new Uint8Array(0);
  let headerEnd = -1;
  let start = 0;
  for (;;) {
    const item = await iterator.next();
    if (item.done) break;
    consumed.push(item.value);
    if (needsFullParser(item.value)) return fallback(consumed);
    head = Buffer.concat([head, item.value]);
    if (head.length < 3) continue;
    start = hasBom(head) ? 3 : 0;
    while (start < head.length && head[start] === NEWLINE) start++;
    headerEnd = head.indexOf(NEWLINE, start);
    if (headerEnd >= 0) break;
  }
  // No complete header line (empty or one-line file): csv-parse reads it, with its errors.
  if (headerEnd < 0) return fallback(consumed);
  const names = checkHeader(
    Buffer.from(head.buffer, head.byteOffset + start, headerEnd - start)
      .toString('utf8')
      .split(','),
    field,
  );
  const sink = open(names);
  const bounds = new Int32Array(names.length + 2);
  let row = 2;
  const line = (buf: Uint8Array, from: number, to: number) => {
    const count = plainCellBounds(buf, from, to, bounds);
    if (count !== names.length)
      throw new ValidationError(
        `${field}: row ${row} has ${count} fields, the header has ${names.length}`,
        field,
      );
    row++;
    sink.bytes(buf, bounds);
  };
  let carry: Uint8Array = head.subarray(headerEnd + 1);
  for (;;) {
    let pos = 0;
    for (let nl = carry.indexOf(NEWLINE); nl >= 0; nl = carry.indexOf(NEWLINE, pos)) {
      if (nl > pos) line(carry, pos, nl);
      pos = nl + 1;
    }
    carry = carry.subarray(pos);
    await sink.drain();
    const item = await iterator.next();
    if (item.done) break;
    if (needsFullParser(item.value)) {
      const headerLine = Buffer.from(`${names.map(quote).join(',')}\n`, 'utf8');
      return fallback([headerLine, carry, item.value], sink);
    }
    carry = carry.length ? Buffer.concat([carry, item.value]) : item.value;
  }
  if (carry.length) line(carry, 0, carry.length);
  await sink.drain();
}
