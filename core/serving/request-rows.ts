import type { z } from 'zod';
import { type FeatureRow, type PredictFormat, PredictFormatSchemas } from '../../contracts/predict-body.js';
import { fromZodError, PayloadTooLargeError, ValidationError } from '../errors.js';
import type { RowSource } from '../ml/onnx-io.js';

export interface NormalizeOptions {
  /** Largest batch accepted. @default 10_000 */
  readonly maxRows?: number;
  /** Top-level body keys allowed beside the format key (e.g. the sticky routing field). */
  readonly extraKeys?: readonly string[];
}

export const DEFAULT_MAX_ROWS = 10_000;
const FORMATS = Object.keys(PredictFormatSchemas) as PredictFormat[];
const FORMAT_LIST = FORMATS.join(', ');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Finds the one format key of the body and its value; other keys (but allowed extras) are errors. */
function formatOf(body: unknown, extraKeys: readonly string[]): [PredictFormat, unknown] {
  if (!isPlainObject(body)) {
    throw new ValidationError(`body: must be a JSON object with one of ${FORMAT_LIST}`, 'body');
  }
  const present = FORMATS.filter((f) => Object.hasOwn(body, f));
  if (present.length !== 1) {
    const why =
      present.length === 0 ? `needs one of ${FORMAT_LIST}` : `has ${present.join(' and ')}; send exactly one`;
    throw new ValidationError(`body: ${why}`, 'body');
  }
  const unknown = Object.keys(body).find((k) => k !== present[0] && !extraKeys.includes(k));
  if (unknown !== undefined) {
    throw new ValidationError(`${unknown}: unknown top-level field (expected ${present[0]} only)`, unknown);
  }
  return [present[0], body[present[0]]];
}

/** Maps a positional row onto feature names (MLflow list-of-lists: values in contract order). */
function fromPositional(row: readonly unknown[], names: readonly string[], path: string): FeatureRow {
  if (row.length !== names.length) {
    throw new ValidationError(
      `${path}: expected ${names.length} values in feature order (${names.join(', ')}), got ${row.length}`,
      path,
    );
  }
  const out: FeatureRow = {};
  for (let j = 0; j < names.length; j++) out[names[j]] = row[j];
  return out;
}

function fromColumns(columns: Record<string, readonly unknown[]>, root: string): FeatureRow[] {
  const keys = Object.keys(columns);
  const n = keys.length === 0 ? 0 : columns[keys[0]].length;
  const bad = keys.find((k) => columns[k].length !== n);
  if (bad !== undefined) {
    throw new ValidationError(
      `${root}.${bad}: has ${columns[bad].length} values, ${keys[0]} has ${n}`,
      `${root}.${bad}`,
    );
  }
  return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, columns[k][i]])));
}

function parse<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error, path);
  return parsed.data;
}

/** True when every element is a plain object or an array: what the row schemas accept. */
function allRows(value: unknown, allowArrays: boolean): value is (FeatureRow | unknown[])[] {
  if (!Array.isArray(value)) return false;
  for (const row of value) if (!(isPlainObject(row) || (allowArrays && Array.isArray(row)))) return false;
  return true;
}

function listRows(
  rows: readonly (FeatureRow | unknown[])[],
  names: readonly string[],
  format: string,
): FeatureRow[] {
  return rows.map((row, i) => (Array.isArray(row) ? fromPositional(row, names, `${format}[${i}]`) : row));
}

function rowsOf(format: PredictFormat, value: unknown, names: readonly string[]): FeatureRow[] {
  switch (format) {
    case 'features':
      // The one-row hot path: a plain object needs no zod copy (zod still words the errors).
      return [isPlainObject(value) ? value : parse(PredictFormatSchemas.features, value, format)];
    // Well-formed batches skip zod's per-row copies; zod still words every error.
    case 'dataframe_records':
      return allRows(value, false)
        ? (value as FeatureRow[])
        : parse(PredictFormatSchemas.dataframe_records, value, format);
    case 'instances':
      return listRows(
        allRows(value, true) ? value : parse(PredictFormatSchemas.instances, value, format),
        names,
        format,
      );
    case 'inputs': {
      const inputs = allRows(value, true) ? value : parse(PredictFormatSchemas.inputs, value, format);
      return Array.isArray(inputs) ? listRows(inputs, names, format) : fromColumns(inputs, format);
    }
    case 'dataframe_split': {
      const split = parse(PredictFormatSchemas.dataframe_split, value, format);
      return split.data.map((row, i) => fromPositional(row, split.columns, `dataframe_split.data[${i}]`));
    }
  }
}

/**
 * Normalizes any accepted predict body to rows keyed by feature name, with each row's request
 * path for error messages. `featureNames` (contract order) places list-of-lists values.
 *
 * @example
 * normalizeRequest({ dataframe_split: { columns: ['a', 'b'], data: [[1, 2]] } }, ['a', 'b']).rows
 * // [{ a: 1, b: 2 }]
 */
export function normalizeRequest(
  body: unknown,
  featureNames: readonly string[],
  options: NormalizeOptions = {},
): RowSource {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const [format, raw] = formatOf(body, options.extraKeys ?? []);
  // Cheap size check before zod walks a huge batch.
  if (Array.isArray(raw) && raw.length > maxRows) {
    throw new PayloadTooLargeError(`${format}: ${raw.length} rows, at most ${maxRows} per request`);
  }
  const rows = rowsOf(format, raw, featureNames);
  if (rows.length > maxRows)
    throw new PayloadTooLargeError(`${format}: ${rows.length} rows, at most ${maxRows} per request`);
  if (rows.length === 0) throw new ValidationError(`${format}: at least one row is required`, format);
  const base = format === 'dataframe_split' ? 'dataframe_split.data' : format;
  return {
    rows,
    root: base,
    pathOf: format === 'features' ? () => 'features' : (i) => `${base}[${i}]`,
  };
}
