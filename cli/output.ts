import Table from 'cli-table3';

/** Global output mode, set from `--json`. */
export const output = { json: false };

/** Prints a value as JSON (for scripts) or calls `human` for people. */
export function emit(value: unknown, human: () => void): void {
  if (output.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else human();
}

export interface TableOptions {
  /** Column widths; long cells wrap. @default sized to content */
  readonly widths?: readonly (number | null)[];
}

/** A readable table; numbers are rounded to 4 decimals. */
export function table(
  head: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: TableOptions = {},
): string {
  const t = new Table({
    head: [...head],
    // Compact: no rule between rows.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    // Colors only on a terminal: pipes, files and tests get plain text.
    style: colors() ? { head: ['cyan'], border: ['grey'] } : { head: [], border: [] },
    ...(options.widths ? { colWidths: [...options.widths], wordWrap: true } : {}),
  });
  for (const row of rows) t.push(row.map(cell));
  return t.toString();
}

export const colors = () => process.stdout.isTTY === true && !process.env.NO_COLOR;

export function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return num(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.map(cell).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Integers as they are, others to 4 decimals (tiny p-values in exponent form). */
export function num(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (v !== 0 && Math.abs(v) < 1e-4) return v.toExponential(2);
  return v.toFixed(4);
}

/** `2025-01-02T03:04:05.678Z` → `2025-01-02 03:04:05`. */
export function when(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
}

/** Key/value pairs as a two-column table (undefined values left out). */
export function kv(entries: Record<string, unknown>): string {
  return table(
    ['field', 'value'],
    Object.entries(entries).filter(([, v]) => v !== undefined),
    { widths: [null, 100] },
  );
}

export function say(line = ''): void {
  if (!output.json) process.stdout.write(`${line}\n`);
}

/** First 12 characters of a sha256, as git shows commits. */
export const short = (sha: string | undefined) => (sha ? sha.slice(0, 12) : '');
