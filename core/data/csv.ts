import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { FeatureType } from '../../contracts/model-contract.js';
import { ValidationError } from '../errors.js';
import { inferColumnType, isMissingCell, parseNumberCell } from './infer.js';
import type { Column, ParsedCsv } from './types.js';

export interface ParseCsvOptions {
  /** Declared column types, overriding inference; a numeric declaration is checked cell by cell. */
  readonly columnTypes?: Readonly<Record<string, FeatureType>>;
  /** Field name used in error messages (e.g. `train`, `dataset`). Default `csv`. */
  readonly field?: string;
}

function records(text: string, field: string): string[][] {
  try {
    return parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: false });
  } catch (e) {
    throw new ValidationError(`${field}: not a valid CSV (${(e as Error).message.split('\n')[0]})`, field);
  }
}

/** The header's trimmed column names; refuses an empty, unnamed, duplicated or numeric header. */
export function checkHeader(header: string[] | undefined, field: string): string[] {
  if (!header || header.length === 0 || header.every((h) => h.trim() === '')) {
    throw new ValidationError(`${field}: the file is empty (no header row)`, field);
  }
  const names = header.map((h) => h.trim());
  checkDelimiter(names, field);
  names.forEach((n, i) => {
    if (n === '') throw new ValidationError(`${field}: header column ${i + 1} has no name`, field);
    checkColumnName(n, i, field);
    if (names.indexOf(n) !== i)
      throw new ValidationError(`${field}: column '${n}' appears twice in the header`, field);
  });
  if (names.every((n) => parseNumberCell(n) !== undefined)) {
    throw new ValidationError(`${field}: no header row (the first row is all numbers)`, field);
  }
  return names;
}

/** Longest column name accepted (a 5 MB header cell is not a name, and would not fit a record). */
export const MAX_COLUMN_NAME_LENGTH = 256;
/** Names that would alias an object's prototype wherever columns become keys. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses names with control characters (NUL, tabs, newlines…), reserved or over-long names. */
function checkColumnName(name: string, index: number, field: string): void {
  const where = `${field}: header column ${index + 1}`;
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(name);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0');
    throw new ValidationError(`${where} contains the control character U+${code.toUpperCase()}`, field);
  }
  if (RESERVED_NAMES.has(name))
    throw new ValidationError(`${where} is named '${name}', a reserved name`, field);
  if (name.length > MAX_COLUMN_NAME_LENGTH) {
    throw new ValidationError(
      `${where} is named with ${name.length} characters, at most ${MAX_COLUMN_NAME_LENGTH}`,
      field,
    );
  }
}

/**
 * Cirrus reads comma-separated files only: a one-column header holding `;` or a tab is another
 * delimiter, refused with the reason rather than read as one column named `a;b;target`.
 */
function checkDelimiter(names: readonly string[], field: string): void {
  if (names.length !== 1) return;
  for (const [delimiter, label] of [
    [';', "';'"],
    ['\t', 'tab'],
    ['|', "'|'"],
  ] as const) {
    if (names[0].includes(delimiter)) {
      throw new ValidationError(
        `${field}: the header '${names[0].slice(0, 80)}' is ${label}-separated; Cirrus reads comma-separated CSV (re-export it with ',' as the delimiter)`,
        field,
      );
    }
  }
}

/**
 * A column whose cells are numbers except for a stray few (at most 1%, e.g. a typo like
 * 'three' among 150 measurements) is a numeric column with bad cells, not a categorical one.
 */
function looksNumeric(values: readonly (string | null)[]): boolean {
  let numbers = 0;
  let others = 0;
  for (const v of values) {
    if (v === null) continue;
    if (parseNumberCell(v) === undefined) others++;
    else numbers++;
  }
  return others > 0 && numbers >= 20 && others <= 0.01 * (numbers + others);
}

function checkDeclared(name: string, values: readonly (string | null)[], declared: FeatureType): void {
  if (declared !== 'numeric') return;
  const row = values.findIndex((v) => v !== null && parseNumberCell(v) === undefined);
  if (row >= 0) {
    throw new ValidationError(
      `${name}: column is numeric but row ${row + 2} holds '${String(values[row]).slice(0, 40)}'`,
      name,
    );
  }
}

/**
 * Parses CSV bytes with a real CSV parser (quotes, embedded commas and newlines), keeps missing
 * cells as `null`, infers each column's type and reports the schema with the bytes' sha256.
 * Errors (empty file, no header, ragged row) name the row.
 *
 * @example
 * const { columns, schema } = parseCsv(readFileSync('datasets/iris.csv'));
 */
export function parseCsv(bytes: Uint8Array | string, options: ParseCsvOptions = {}): ParsedCsv {
  const field = options.field ?? 'csv';
  const buffer =
    typeof bytes === 'string'
      ? Buffer.from(bytes, 'utf8')
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows = records(buffer.toString('utf8'), field);
  const names = checkHeader(rows[0], field);
  const body = rows.slice(1);
  body.forEach((r, i) => {
    if (r.length !== names.length) {
      throw new ValidationError(
        `${field}: row ${i + 2} has ${r.length} fields, the header has ${names.length}`,
        field,
      );
    }
  });
  const columns: Column[] = names.map((name, c) => {
    const values = body.map((r) => (isMissingCell(r[c]) ? null : r[c]));
    const declared = options.columnTypes?.[name];
    const type = declared ?? inferColumnType(values);
    checkDeclared(name, values, declared ?? (looksNumeric(values) ? 'numeric' : type));
    return { name, type, values };
  });
  for (const name of Object.keys(options.columnTypes ?? {})) {
    if (!names.includes(name))
      throw new ValidationError(`columnTypes.${name}: no such column in ${field}`, `columnTypes.${name}`);
  }
  const schema = {
    kind: 'cirrus.dataset-schema' as const,
    schemaVersion: 1 as const,
    columns: columns.map((c) => ({
      name: c.name,
      type: c.type,
      missing: c.values.filter((v) => v === null).length,
    })),
    rowCount: body.length,
    sha256: createHash('sha256').update(buffer).digest('hex'),
    bytes: buffer.byteLength,
  };
  return { columns, schema };
}
