import type { FeatureType } from '../../contracts/model-contract.js';
import { ValidationError } from '../errors.js';
import {
  NumberBlock,
  NumberColumn,
  type Reader,
  readPass,
  rowBound,
  StringColumn,
} from './csv-column-readers.js';
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
 * A column read as numbers lives in the CSV's row-major `numeric` block: its `numbers` are a
 * copy made on each access.
 */
export interface TypedColumn {
  readonly name: string;
  readonly type: FeatureType;
  readonly numbers?: Float64Array;
  readonly strings?: InternedStrings;
}

/** The columns read as numbers, row-major: cell (row, k) of `names[k]` at `row * names.length + k`. */
export interface NumericBlock {
  readonly names: readonly string[];
  readonly data: Float64Array;
}

/** A CSV read into typed columns: the same columns, types and cells `parseCsv` gives. */
export interface TypedCsv {
  readonly columns: readonly TypedColumn[];
  readonly rowCount: number;
  /** Every column read as numbers, in file order, in one row-major array. */
  readonly numeric: NumericBlock;
}

export interface ReadCsvColumnsOptions {
  /** Field name used in error messages (e.g. `train`). Default `csv`. */
  readonly field?: string;
  /** Declared column types, overriding inference (as parseCsv's option). */
  readonly columnTypes?: Readonly<Record<string, FeatureType>>;
  /** Columns to keep as strings even when numeric (a classification target, template columns). */
  readonly keepStrings?: readonly string[];
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

/** Column `index` of a row-major block `width` wide, as its own array. */
function strided(data: Float64Array, width: number, index: number): Float64Array {
  const out = new Float64Array(data.length / width);
  for (let r = 0; r < out.length; r++) out[r] = data[r * width + index];
  return out;
}

/** The typed column of one reader, with parseCsv's type and its numeric-column check. */
function finish(
  name: string,
  reader: Reader,
  declared: FeatureType | undefined,
  block: NumericBlock,
  rows: number,
): TypedColumn {
  if (reader instanceof NumberColumn) {
    if (reader.bad) throw notNumeric(name, reader.bad.row, reader.bad.value);
    const width = block.names.length;
    const { data } = block;
    return {
      name,
      type: declared ?? 'numeric',
      get numbers() {
        return strided(data, width, reader.index);
      },
    };
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
  const capacity = rowBound(chunks);
  const pass = () =>
    readPass(chunks, field, (names) => {
      const strings = names.map((name) => {
        const type = declared(name);
        return asStrings.has(name) || (type !== undefined && type !== 'numeric');
      });
      const block = new NumberBlock(strings.filter((s) => !s).length, capacity);
      let k = 0;
      return strings.map((s) => (s ? new StringColumn(capacity) : new NumberColumn(block, k++)));
    });
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
  const numeric = numericBlock(names, readers, rows);
  const columns = names.map((name, c) => finish(name, readers[c], declared(name), numeric, rows));
  for (const name of Object.keys(options.columnTypes ?? {})) {
    if (!names.includes(name))
      throw new ValidationError(`columnTypes.${name}: no such column in ${field}`, `columnTypes.${name}`);
  }
  return { columns, rowCount: rows, numeric };
}

/** The pass's number block cut to its rows, with the names of its columns. */
function numericBlock(names: readonly string[], readers: readonly Reader[], rows: number): NumericBlock {
  const numbers = readers.flatMap((r, c) => (r instanceof NumberColumn ? [{ r, name: names[c] }] : []));
  if (numbers.length === 0) return { names: [], data: new Float64Array(0) };
  const { store, width } = numbers[0].r.block;
  return { names: numbers.map((n) => n.name), data: store.take(rows * width) };
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
