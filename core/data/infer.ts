import type { FeatureType } from '../../contracts/model-contract.js';

/** Cells that mean "no value" (compared after trimming). */
const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL']);

export function isMissingCell(cell: string): boolean {
  return MISSING.has(cell.trim());
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Parses a cell as a finite number, or returns undefined (e.g. `'abc'`, `'1,5'`, `'Infinity'`). */
export function parseNumberCell(cell: string): number | undefined {
  const t = cell.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

/**
 * Infers a column type from its non-missing values: numeric if every one is a finite number;
 * text when values read like prose (long on average, or mostly distinct and containing spaces);
 * categorical otherwise. A column with no values at all is numeric (all missing).
 */
export function inferColumnType(values: readonly (string | null)[]): FeatureType {
  const present = values.filter((v): v is string => v !== null);
  if (present.every((v) => parseNumberCell(v) !== undefined)) return 'numeric';
  const meanLength = present.reduce((s, v) => s + v.length, 0) / present.length;
  if (meanLength > 20) return 'text';
  const distinct = new Set(present);
  const withSpaces = [...distinct].filter((v) => /\s/.test(v.trim())).length;
  if (present.length >= 10 && distinct.size > 0.5 * present.length && withSpaces > 0.5 * distinct.size)
    return 'text';
  return 'categorical';
}
