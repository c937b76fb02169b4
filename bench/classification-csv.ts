/**
 * bench/gbm.ts's data set (make_classification(rows, 20, n_informative=10, n_redundant=4,
 * flip_y=0.01, random_state=7)) written as a CSV on disk, as a user would upload it: columns
 * `f0..f19,target`, cells with 4 decimals (about 150 bytes a row). Streamed row by row, so the
 * file never sits in memory as text.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Matrix } from '../training/algorithms/types.js';
import { makeClassification } from './make-classification.js';

/** The training job both 1M trainer benches run on this data: gradient boosting, defaults. */
export const BENCH_GBM_JOB = {
  task: 'classification' as const,
  algorithm: 'gradient_boosting',
  target: 'target',
  dataset: { name: 'million', version: 'bench' },
  seed: 7,
  runId: 'bench',
  experiment: 'bench',
};

/** Decimals the file keeps; the bare-fit reference rounds the same way, so both see the same numbers. */
export const CSV_DECIMALS = 4;

/** The generated data, rounded as the file holds it. */
export function classificationData(rows: number): { X: Matrix; y: Float64Array } {
  const { X, y } = makeClassification({
    nSamples: rows,
    nFeatures: 20,
    nInformative: 10,
    nRedundant: 4,
    flipY: 0.01,
    randomState: 7,
  });
  for (let i = 0; i < X.data.length; i++) X.data[i] = Number(X.data[i]!.toFixed(CSV_DECIMALS));
  return { X, y };
}

/** Writes rows [from, to) of X and y as `f0..f19,target` lines; returns the file's size in bytes. */
export async function writeRows(
  path: string,
  X: Matrix,
  y: Float64Array,
  from = 0,
  to = X.rows,
): Promise<number> {
  const out = createWriteStream(path);
  let chunk = `${[...Array.from({ length: X.cols }, (_, c) => `f${c}`), 'target'].join(',')}\n`;
  for (let r = from; r < to; r++) {
    chunk += `${Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols)).join(',')},${y[r]}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return out.bytesWritten;
}

/** Writes `rows` rows to `path`; returns the data (as rounded) and the file's size in bytes. */
export async function writeClassificationCsv(
  path: string,
  rows: number,
): Promise<{ X: Matrix; y: Float64Array; bytes: number }> {
  const { X, y } = classificationData(rows);
  return { X, y, bytes: await writeRows(path, X, y) };
}
