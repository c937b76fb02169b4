import type { FeatureType } from '../../contracts/model-contract.js';
import { ValidationError } from '../errors.js';
import { NumberColumn, type Reader, readPass, StringColumn } from './csv-column-readers.js';
import { inferColumnType, parseNumberCell } from './infer.js';
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
