import { needsFullParser } from './csv-plain.js';
import { plainHeader, plainRowBounds, replayed } from './csv-plain-stream.js';
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
  const fallback = async (head: readonly Uint8Array[], known?: CsvRowSink) => {
    const records = await parsed(replayed(head, iterator));
    const sink = known ?? open(records.names);
    for await (const cells of records.rows) {
      sink.cells(cells);
      await sink.drain();
    }
  };
  const head = await plainHeader(iterator, field);
  if (!head.names) return fallback(head.consumed);
  const { names } = head;
  const sink = open(names);
  const boundsOf = plainRowBounds(names.length, field);
  const line = (buf: Uint8Array, from: number, to: number) => sink.bytes(buf, boundsOf(buf, from, to));
  let carry: Uint8Array = head.rest;
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
