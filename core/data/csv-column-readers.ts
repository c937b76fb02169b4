/**
 * One pass of reading a CSV into column readers (used by csv-columns.ts): the plain-file fast path
 * (csv-plain.ts), else csv-parse with parseCsv's options, a chunk at a time.
 */
import { parse } from 'csv-parse';
import { ValidationError } from '../errors.js';
import { checkHeader } from './csv.js';
import type { CsvChunks } from './csv-columns.js';
import { plainNumber, readPlain } from './csv-plain.js';
import { isMissingCell, parseNumberCell } from './infer.js';
/** csv-parse's synchronous core (the `api` of its stream parser): records per chunk, no stream. */
interface CsvParseApi {
  parse(
    chunk: Buffer | undefined,
    end: boolean,
    push: (record: string[]) => void,
    close: () => void,
  ): Error | undefined;
}

/** The same csv-parse options as parseCsv's, driven chunk by chunk without a stream. */
function csvParser(): CsvParseApi {
  const stream = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: false });
  return (stream as unknown as { api: CsvParseApi }).api;
}

/** A growable Float64Array / Int32Array pair of storage for one column. */
export class Store<T extends Float64Array | Int32Array> {
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  /** Resizes to `capacity` rows (at least the rows already set). */
  reserve(capacity: number, rows: number): void {
    const bigger = this.make(Math.max(capacity, rows));
    bigger.set(this.data.subarray(0, rows));
    this.data = bigger;
  }
  set(row: number, value: number): void {
    if (row >= this.data.length) {
      const bigger = this.make(Math.max(1024, Math.ceil(this.data.length * 1.5)));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[row] = value;
  }
  /** Exactly `rows` long (one copy when the capacity guessed differs). */
  take(rows: number): T {
    return this.data.length === rows ? this.data : (this.data.slice(0, rows) as T);
  }
}

/** A column read as numbers; `bad` is its first present non-number (the column is then re-read). */
export class NumberColumn {
  readonly store: Store<Float64Array>;
  bad: { row: number; value: string } | undefined;
  constructor(capacity: number) {
    this.store = new Store(new Float64Array(capacity), (n) => new Float64Array(n));
  }
  add(cell: string, row: number): void {
    if (isMissingCell(cell)) return this.store.set(row, Number.NaN);
    const n = parseNumberCell(cell);
    if (n === undefined) {
      this.bad ??= { row, value: cell };
      return this.store.set(row, Number.NaN);
    }
    this.store.set(row, n);
  }
  /** A plain cell from its bytes: parsed in place when it is a plain number or blank. */
  addBytes(buf: Uint8Array, start: number, end: number, row: number): void {
    const n = plainNumber(buf, start, end);
    if (n === undefined) this.add(cellText(buf, start, end), row);
    else this.store.set(row, n);
  }
}

function cellText(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
}

/** A column read as interned strings, with how often each value occurs. */
export class StringColumn {
  readonly store: Store<Int32Array>;
  readonly dictionary: string[] = [];
  readonly counts: number[] = [];
  private readonly index = new Map<string, number>();
  constructor(capacity: number) {
    this.store = new Store(new Int32Array(capacity), (n) => new Int32Array(n));
  }
  add(cell: string, row: number): void {
    if (isMissingCell(cell)) return this.store.set(row, -1);
    let code = this.index.get(cell);
    if (code === undefined) {
      code = this.dictionary.length;
      this.index.set(cell, code);
      this.dictionary.push(cell);
      this.counts.push(0);
    }
    this.counts[code]++;
    this.store.set(row, code);
  }
  addBytes(buf: Uint8Array, start: number, end: number, row: number): void {
    this.add(cellText(buf, start, end), row);
  }
}

export type Reader = NumberColumn | StringColumn;

/** The rows read so far in one pass: header, readers, row count, first ragged row. */
class PassState {
  names: string[] | undefined;
  readers: Reader[] = [];
  rows = 0;
  ragged: string | undefined;
  /** A bad header, thrown once the whole file parsed (a CSV syntax error comes first, as in parseCsv). */
  headerError: unknown;
  constructor(
    private readonly field: string,
    private readonly makeReaders: (names: string[], capacity: number) => Reader[],
  ) {}
  header(cells: string[]): void {
    try {
      this.names = checkHeader(cells, this.field);
    } catch (error) {
      this.headerError = error;
      this.names = [];
    }
    this.readers = this.makeReaders(this.names, 1024);
  }
  /** Whether a record of `count` cells fits the header; the first that does not is remembered. */
  fits(count: number): boolean {
    const width = this.names?.length ?? 0;
    if (count === width) return true;
    this.ragged ??= `${this.field}: row ${this.rows + 2} has ${count} fields, the header has ${width}`;
    return false;
  }
  /** Sizes the columns once, from the rows per byte of what was read so far. */
  size(seen: number, bytes: number): void {
    const guess = Math.ceil((bytes / seen) * this.rows * 1.02) + 64;
    for (const r of this.readers) r.store.reserve(guess, this.rows);
  }
}

/** Feeds chunks to `read` and sizes the columns after the first chunk that held a row. */
function* sizing(chunks: Iterable<Uint8Array>, state: PassState, bytes: number | undefined) {
  let seen = 0;
  let sized = bytes === undefined;
  for (const chunk of chunks) {
    yield chunk;
    seen += chunk.byteLength;
    if (!sized && state.rows > 0 && bytes !== undefined) {
      state.size(seen, bytes);
      sized = true;
    }
  }
}

/** The full parser (quotes, '\r'): csv-parse with parseCsv's options, a record at a time. */
function fullPass(chunks: Iterable<Uint8Array>, state: PassState, field: string): void {
  const parser = csvParser();
  const push = (record: string[]) => {
    if (!state.names) return state.header(record);
    if (!state.fits(record.length)) return;
    for (let c = 0; c < record.length; c++) state.readers[c].add(record[c], state.rows);
    state.rows++;
  };
  const feed = (chunk: Buffer | undefined, end: boolean) => {
    const error = parser.parse(chunk, end, push, () => undefined);
    if (error)
      throw new ValidationError(`${field}: not a valid CSV (${error.message.split('\n')[0]})`, field);
  };
  for (const chunk of chunks) feed(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), false);
  feed(undefined, true);
}

/** The plain-file fast path; false when the file needs the full parser (then nothing counts). */
function plainPass(chunks: Iterable<Uint8Array>, state: PassState): boolean {
  return readPlain(
    chunks,
    {
      header: (cells) => state.header(cells),
      record: (buf, bounds, count) => {
        if (!state.fits(count)) return;
        for (let c = 0; c < count; c++)
          state.readers[c].addBytes(buf, bounds[c], bounds[c + 1] - 1, state.rows);
        state.rows++;
      },
    },
    () => state.names?.length ?? 0,
  );
}

/** One pass over the chunks: header, then every record into its column's reader. */
export function readPass(
  chunks: CsvChunks,
  field: string,
  makeReaders: (names: string[], capacity: number) => Reader[],
  bytes: number | undefined,
): { names: string[]; readers: Reader[]; rows: number } {
  let state = new PassState(field, makeReaders);
  if (!plainPass(sizing(chunks(), state, bytes), state)) {
    state = new PassState(field, makeReaders);
    fullPass(sizing(chunks(), state, bytes), state, field);
  }
  if (state.headerError) throw state.headerError;
  const header = checkHeader(state.names, field);
  if (state.ragged) throw new ValidationError(state.ragged, field);
  return { names: header, readers: state.readers, rows: state.rows };
}
