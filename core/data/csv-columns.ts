import { parse } from 'csv-parse';
import type { FeatureType } from '../../contracts/model-contract.js';
import { ValidationError } from '../errors.js';
import { checkHeader } from './csv.js';
import { readPlain, plainNumber } from './csv-plain.js';
import { inferColumnType, isMissingCell, parseNumberCell } from './infer.js';

/** A column read as strings: one code per row (-1 = missing) into its distinct values. */
export interface InternedStrings {
  readonly codes: Int32Array;
  /** Distinct present values in order of first appearance. */
  readonly dictionary: readonly string[];
}

/**
 * One column read straight into typed storage: `numbers` (NaN = missing) for a column read as
 * numbers, `strings` for one read as strings (non-numeric, declared non-numeric, or asked for).
 */
export interface TypedColumn {
  readonly name: string;
  readonly type: FeatureType;
  readonly numbers?: Float64Array;
  readonly strings?: InternedStrings;
}

/** A CSV read into typed columns: the same columns, types and cells `parseCsv` gives. */
export interface TypedCsv {
  readonly columns: readonly TypedColumn[];
  readonly rowCount: number;
}

export interface ReadCsvColumnsOptions {
  /** Field name used in error messages (e.g. `train`). Default `csv`. */
  readonly field?: string;
  /** Declared column types, overriding inference (as parseCsv's option). */
  readonly columnTypes?: Readonly<Record<string, FeatureType>>;
  /** Columns to keep as strings even when numeric (a classification target, template columns). */
  readonly keepStrings?: readonly string[];
  /** The source's size in bytes when known: sizes the columns once instead of growing them. */
  readonly bytes?: number;
}

/** A re-readable source of CSV bytes: each call yields the whole file again, in chunks. */
export type CsvChunks = () => Iterable<Uint8Array>;

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
class Store<T extends Float64Array | Int32Array> {
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
class NumberColumn {
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
class StringColumn {
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

type Reader = NumberColumn | StringColumn;

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
function readPass(
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

/** `inferColumnType`'s rules on a string column's distinct values and their counts. */
function inferFromCounts(column: StringColumn, isNumber: readonly boolean[]): FeatureType {
  const { dictionary, counts } = column;
  let present = 0;
  let lengths = 0;
  let others = 0;
  dictionary.forEach((v, k) => {
    present += counts[k];
    lengths += counts[k] * v.length;
    if (!isNumber[k]) others += counts[k];
  });
  if (others === 0) return inferColumnType([]);
  if (lengths / present > 20) return 'text';
  const withSpaces = dictionary.filter((v) => /\s/.test(v.trim())).length;
  const distinct = dictionary.length;
  if (present >= 10 && distinct > 0.5 * present && withSpaces > 0.5 * distinct) return 'text';
  return 'categorical';
}

/** parseCsv's `looksNumeric`: numbers but for a stray few (at most 1%, at least 20 numbers). */
function looksNumeric(column: StringColumn, isNumber: readonly boolean[]): boolean {
  let numbers = 0;
  let others = 0;
  column.counts.forEach((n, k) => {
    if (isNumber[k]) numbers += n;
    else others += n;
  });
  return others > 0 && numbers >= 20 && others <= 0.01 * (numbers + others);
}

function notNumeric(name: string, row: number, value: string): ValidationError {
  return new ValidationError(
    `${name}: column is numeric but row ${row + 2} holds '${value.slice(0, 40)}'`,
    name,
  );
}

/** The typed column of one reader, with parseCsv's type and its numeric-column check. */
function finish(name: string, reader: Reader, declared: FeatureType | undefined, rows: number): TypedColumn {
  if (reader instanceof NumberColumn) {
    if (reader.bad) throw notNumeric(name, reader.bad.row, reader.bad.value);
    return { name, type: declared ?? 'numeric', numbers: reader.store.take(rows) };
  }
  const isNumber = reader.dictionary.map((v) => parseNumberCell(v) !== undefined);
  const type = declared ?? inferFromCounts(reader, isNumber);
  const codes = reader.store.take(rows);
  if ((declared ?? (looksNumeric(reader, isNumber) ? 'numeric' : type)) === 'numeric') {
    const row = codes.findIndex((k) => k >= 0 && !isNumber[k]);
    if (row >= 0) throw notNumeric(name, row, reader.dictionary[codes[row]]);
  }
  return { name, type, strings: { codes, dictionary: reader.dictionary } };
}

/**
 * Reads a CSV from chunks straight into typed columns, with the columns, types, cells and errors
 * `parseCsv` gives, without holding the text or a string per cell: numeric columns become
 * Float64Arrays, the others interned codes. A column read as numbers that turns out not to be
 * (a word after many numbers) is read again as strings in a second pass over the source.
 */
export function readCsvColumns(chunks: CsvChunks, options: ReadCsvColumnsOptions = {}): TypedCsv {
  const field = options.field ?? 'csv';
  const declared = (name: string) => options.columnTypes?.[name];
  const asStrings = new Set(options.keepStrings ?? []);
  const pass = () =>
    readPass(
      chunks,
      field,
      (names, capacity) =>
        names.map((name) => {
          const type = declared(name);
          const strings = asStrings.has(name) || (type !== undefined && type !== 'numeric');
          return strings ? new StringColumn(capacity) : new NumberColumn(capacity);
        }),
      options.bytes,
    );
  let read = pass();
  const flipped = read.names.filter((name, c) => {
    const reader = read.readers[c];
    return reader instanceof NumberColumn && reader.bad !== undefined && declared(name) === undefined;
  });
  if (flipped.length > 0) {
    for (const name of flipped) asStrings.add(name);
    read = pass();
  }
  const { names, readers, rows } = read;
  const columns = names.map((name, c) => finish(name, readers[c], declared(name), rows));
  for (const name of Object.keys(options.columnTypes ?? {})) {
    if (!names.includes(name))
      throw new ValidationError(`columnTypes.${name}: no such column in ${field}`, `columnTypes.${name}`);
  }
  return { columns, rowCount: rows };
}

/** Finds a typed column by name; the error names `field` and lists the columns. */
export function findTypedColumn(csv: Pick<TypedCsv, 'columns'>, name: string, field: string): TypedColumn {
  const column = csv.columns.find((c) => c.name === name);
  if (!column) {
    const known = csv.columns.map((c) => c.name).join(', ');
    throw new ValidationError(`${field}: no column '${name}' in the data (columns: ${known})`, field);
  }
  return column;
}

/** A column as float64 with missing cells as NaN; text in it is an error naming the row (toFloat64). */
export function columnNumbers(column: TypedColumn, field = column.name): Float64Array {
  if (column.numbers) return column.numbers;
  const { codes, dictionary } = stringsOf(column);
  const values = dictionary.map((v) => parseNumberCell(v));
  const out = new Float64Array(codes.length);
  for (let r = 0; r < codes.length; r++) {
    const k = codes[r];
    if (k < 0) {
      out[r] = Number.NaN;
      continue;
    }
    const n = values[k];
    if (n === undefined)
      throw new ValidationError(
        `${field}: column '${column.name}' is numeric but row ${r + 2} holds '${dictionary[k].slice(0, 40)}'`,
        field,
      );
    out[r] = n;
  }
  return out;
}

function stringsOf(column: TypedColumn): InternedStrings {
  if (!column.strings) throw new Error(`column '${column.name}' was not read as strings`);
  return column.strings;
}

/** Row `r`'s cell as a string, `''` when missing (toStrings); the column must be read as strings. */
export function stringCells(column: TypedColumn): (row: number) => string {
  const { codes, dictionary } = stringsOf(column);
  return (r) => {
    const k = codes[r];
    return k < 0 ? '' : dictionary[k];
  };
}
