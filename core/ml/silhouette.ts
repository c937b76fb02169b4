import { createRng, shuffleInPlace } from './random.js';

/** A row-major matrix, as the trainer's `Matrix` and the ONNX `numeric` tensor lay rows out. */
export interface RowMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: ArrayLike<number>;
}

/** Rows beyond this are sampled (seeded) for the O(n^2) silhouette. */
const SILHOUETTE_SAMPLE = 3000;

function dist(X: RowMatrix, i: number, j: number): number {
  let s = 0;
  for (let t = 0; t < X.cols; t++) {
    const d = X.data[i * X.cols + t] - X.data[j * X.cols + t];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Mean silhouette over `rows` (all rows, or a seeded sample when there are many). */
export function silhouette(X: RowMatrix, labels: ArrayLike<number>, seed = 0): number {
  let rows = Array.from({ length: X.rows }, (_, i) => i);
  if (rows.length > SILHOUETTE_SAMPLE)
    rows = shuffleInPlace(rows, createRng(seed)).slice(0, SILHOUETTE_SAMPLE);
  const k = Math.max(...rows.map((i) => labels[i])) + 1;
  let total = 0;
  for (const i of rows) {
    const sum = new Float64Array(k);
    const cnt = new Float64Array(k);
    for (const j of rows) {
      if (i === j) continue;
      sum[labels[j]] += dist(X, i, j);
      cnt[labels[j]]++;
    }
    const own = labels[i];
    if (cnt[own] === 0) continue; // a singleton cluster scores 0, as scikit-learn
    const a = sum[own] / cnt[own];
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c] > 0) b = Math.min(b, sum[c] / cnt[c]);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return rows.length ? total / rows.length : 0;
}
