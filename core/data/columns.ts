import { ValidationError } from '../errors.js';
import { parseNumberCell } from './infer.js';
import type { Column, ParsedCsv } from './types.js';

/** Finds a column by name; the error names `field` (e.g. `target`, `features.age`). */
export function findColumn(csv: Pick<ParsedCsv, 'columns'>, name: string, field: string): Column {
  const column = csv.columns.find((c) => c.name === name);
  if (!column) {
    const known = csv.columns.map((c) => c.name).join(', ');
    throw new ValidationError(`${field}: no column '${name}' in the data (columns: ${known})`, field);
  }
  return column;
}

/** A column as float64 with missing cells as NaN; text in it is an error naming the row. */
export function toFloat64(column: Column, field = column.name): Float64Array {
  const out = new Float64Array(column.values.length);
  column.values.forEach((v, i) => {
    if (v === null) {
      out[i] = Number.NaN;
      return;
    }
    const n = parseNumberCell(v);
    if (n === undefined) {
      throw new ValidationError(
        `${field}: column '${column.name}' is numeric but row ${i + 2} holds '${v.slice(0, 40)}'`,
        field,
      );
    }
    out[i] = n;
  });
  return out;
}

/**
 * A column's cells as strings with missing cells as `''` (how serving feeds ONNX string inputs).
 * Cells are not trimmed: the graph compares exactly what it is given.
 */
export function toStrings(column: Column): string[] {
  return column.values.map((v) => (v === null ? '' : v));
}

/** Keeps the rows at `indices` (in that order). */
export function selectRows(column: Column, indices: ArrayLike<number>): Column {
  return { ...column, values: Array.from(indices, (i) => column.values[i]) };
}

/** Sorts distinct values numerically when all are numbers, else lexicographically. */
export function sortLabels(values: Iterable<string>): string[] {
  const list = [...new Set(values)];
  if (list.every((v) => parseNumberCell(v) !== undefined)) return list.sort((a, b) => Number(a) - Number(b));
  return list.sort();
}
