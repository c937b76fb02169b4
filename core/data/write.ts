import type { Column } from './types.js';

/** One CSV cell, quoted when it holds a quote, comma, line break or edge whitespace. */
export function quote(cell: string): string {
  return /[",\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * Writes columns back to CSV (header + rows; missing cells empty), e.g. a split's train and
 * test sets. Cells are kept byte-for-byte, so numbers round-trip exactly.
 */
export function toCsv(columns: readonly Column[], rows?: ArrayLike<number>): string {
  const n = columns[0]?.values.length ?? 0;
  const indices = rows ?? Array.from({ length: n }, (_, i) => i);
  const lines = [columns.map((c) => quote(c.name)).join(',')];
  for (let k = 0; k < indices.length; k++) {
    const r = indices[k];
    lines.push(columns.map((c) => quote(c.values[r] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}
