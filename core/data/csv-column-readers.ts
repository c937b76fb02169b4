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

const NEWLINE = 0x0a;
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

/** A growable Float64Array / Int32Array of storage (one column's cells, or a row-major block). */
export class Store<T extends Float64Array | Int32Array> {
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  set(at: number, value: number): void {
    if (at >= this.data.length) {
      const bigger = this.make(Math.max(at + 1, 1024, Math.ceil(this.data.length * 1.5)));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[at] = value;
  }
  /** Exactly `length` long: the storage itself when presized exactly, else one copy. */
  take(length: number): T {
    return this.data.length === length ? this.data : (this.data.slice(0, length) as T);
  }
}

/**
 * The numeric columns of a pass, row-major: cell (row, k) of the k-th column read as numbers
 * sits at `row * width + k`, so the trainer's frame can take the block over without a copy.
 */
export class NumberBlock {
  readonly store: Store<Float64Array>;
  constructor(
    readonly width: number,
    capacity: number,
  ) {
    this.store = new Store(new Float64Array(capacity * width), (n) => new Float64Array(n));
  }
}

/** A column read as numbers into its block; `bad` is its first present non-number (then re-read). */
export class NumberColumn {
  bad: { row: number; value: string } | undefined;
  constructor(
    readonly block: NumberBlock,
    readonly index: number,
  ) {}
  private set(row: number, value: number): void {
    this.block.store.set(row * this.block.width + this.index, value);
  }
  add(cell: string, row: number): void {
    if (isMissingCell(cell)) return this.set(row, Number.NaN);
    const n = parseNumberCell(cell);
    if (n === undefined) {
      this.bad ??= { row, value: cell };
      return this.set(row, Number.NaN);
    }
    this.set(row, n);
  }
  /** A plain cell from its bytes: parsed in place when it is a plain number or blank. */
  addBytes(buf: Uint8Array, start: number, end: number, row: number): void {
    const n = plainNumber(buf, start, end);
    if (n === undefined) this.add(cellText(buf, start, end), row);
    else this.set(row, n);
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
    private readonly makeReaders: (names: string[]) => Reader[],
  ) {}
  header(cells: string[]): void {
    try {
      this.names = checkHeader(cells, this.field);
    } catch (error) {
      this.headerError = error;
      this.names = [];
    }
    this.readers = this.makeReaders(this.names);
  }
  /** Whether a record of `count` cells fits the header; the first that does not is remembered. */
  fits(count: number): boolean {
    const width = this.names?.length ?? 0;
    if (count === width) return true;
    this.ragged ??= `${this.field}: row ${this.rows + 2} has ${count} fields, the header has ${width}`;
    return false;
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

/**
 * At least the rows a CSV holds (a row is a line after the header; quoted newlines and skipped
 * empty lines only make fewer), from its '\n' bytes: presizes the storage so that nothing grows.
 */
export function rowBound(chunks: CsvChunks): number {
  let lines = 0;
  let last = NEWLINE;
  for (const chunk of chunks()) {
    for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
    if (chunk.byteLength > 0) last = chunk[chunk.byteLength - 1];
  }
  return Math.max(0, lines + (last === NEWLINE ? 0 : 1) - 1);
}

/** One pass over the chunks: header, then every record into its column's reader. */
export function readPass(
  chunks: CsvChunks,
  field: string,
  makeReaders: (names: string[]) => Reader[],
): { names: string[]; readers: Reader[]; rows: number } {
  let state = new PassState(field, makeReaders);
  if (!plainPass(chunks(), state)) {
    state = new PassState(field, makeReaders);
    fullPass(chunks(), state, field);
  }
  if (state.headerError) throw state.headerError;
  const header = checkHeader(state.names, field);
  if (state.ragged) throw new ValidationError(state.ragged, field);
  return { names: header, readers: state.readers, rows: state.rows };
}
