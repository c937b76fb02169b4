import Table from 'cli-table3';

/** Global output mode, set from `--json`. */
export const output = { json: false };

/** Prints a value as JSON (for scripts) or calls `human` for people. */
export function emit(value: unknown, human: () => void): void {
  if (output.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else human();
}

/** A readable table; numbers are rounded to 4 significant decimals. */
export function table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const t = new Table({ head: [...head], style: { head: ['cyan'], border: ['grey'] } });
  for (const row of rows) t.push(row.map(cell));
  return t.toString();
}

export function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(4);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Key/value pairs as a two-column table. */
export function kv(entries: Record<string, unknown>): string {
  return table(['field', 'value'], Object.entries(entries).filter(([, v]) => v !== undefined));
}

export function say(line = ''): void {
  if (!output.json) process.stdout.write(`${line}\n`);
}
