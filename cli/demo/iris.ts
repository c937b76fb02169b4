import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';

/** One labelled row: the features as the API wants them, the ground truth as feedback sends it. */
export interface LabelledRow {
  readonly features: Record<string, number>;
  readonly actual: string;
}

export const IRIS_TARGET = 'target';
const IRIS_CSV = new URL('../../datasets/iris.csv', import.meta.url);

/** The built-in iris rows (the same file `datasets load iris` registers), shuffled with a seed. */
export async function irisRows(seed = 7): Promise<LabelledRow[]> {
  const records = parse(await readFile(IRIS_CSV, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
  const rows = records.map((r) => ({
    features: Object.fromEntries(
      Object.entries(r)
        .filter(([k]) => k !== IRIS_TARGET)
        .map(([k, v]) => [k, Number(v)]),
    ),
    actual: r[IRIS_TARGET]!,
  }));
  return shuffle(rows, seed);
}

/** Rows `start..start+n`, wrapping around: traffic that cycles through the data. */
export function take<T>(rows: readonly T[], start: number, n: number): T[] {
  return Array.from({ length: n }, (_, i) => rows[(start + i) % rows.length]!);
}

/**
 * Traffic from a changed world: each named feature shifted by `shift` and scaled by `scale`
 * (value * scale + shift). The demo moves two of iris's four features, enough for dataset drift.
 */
export function drifted(
  rows: readonly LabelledRow[],
  changes: Record<string, { shift?: number; scale?: number }>,
): LabelledRow[] {
  return rows.map((r) => ({
    actual: r.actual,
    features: Object.fromEntries(
      Object.entries(r.features).map(([k, v]) => {
        const c = changes[k];
        return [k, c ? round(v * (c.scale ?? 1) + (c.shift ?? 0)) : v];
      }),
    ),
  }));
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Fisher–Yates with mulberry32: the same seed gives the same traffic. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
