import { createRng, shuffleInPlace } from '../../../core/ml/random.js';
import type { Matrix } from '../types.js';

export interface ClusteringMetrics {
  /** Sum of squared distances of rows to their cluster's centre. */
  readonly inertia: number;
  /** Mean silhouette coefficient (Euclidean), in [-1, 1]; 0 when there is one cluster. */
  readonly silhouette: number;
}

/** Rows beyond this are sampled (seeded) for the O(n^2) silhouette. */
const SILHOUETTE_SAMPLE = 3000;

function dist(X: Matrix, i: number, j: number): number {
  let s = 0;
  for (let t = 0; t < X.cols; t++) {
    const d = X.data[i * X.cols + t] - X.data[j * X.cols + t];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Mean silhouette over `rows` (all rows, or a seeded sample when there are many). */
export function silhouette(X: Matrix, labels: ArrayLike<number>, seed = 0): number {
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

/** Inertia and silhouette of a clustering (centres row-major [K, F]). */
export function clusteringMetrics(
  X: Matrix,
  labels: ArrayLike<number>,
  centers: ArrayLike<number>,
  seed = 0,
): ClusteringMetrics {
  let inertia = 0;
  for (let i = 0; i < X.rows; i++) {
    for (let t = 0; t < X.cols; t++)
      inertia += (X.data[i * X.cols + t] - centers[labels[i] * X.cols + t]) ** 2;
  }
  return { inertia, silhouette: silhouette(X, labels, seed) };
}

/** Adjusted Rand index between two labelings (1 = identical partitions, ~0 = chance). */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const table = new Map<string, number>();
  const ra = new Map<number, number>();
  const rb = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}:${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    ra.set(a[i], (ra.get(a[i]) ?? 0) + 1);
    rb.set(b[i], (rb.get(b[i]) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  const sumAll = [...table.values()].reduce((s, v) => s + c2(v), 0);
  const sumA = [...ra.values()].reduce((s, v) => s + c2(v), 0);
  const sumB = [...rb.values()].reduce((s, v) => s + c2(v), 0);
  const expected = (sumA * sumB) / c2(n);
  const max = (sumA + sumB) / 2;
  return max === expected ? 1 : (sumAll - expected) / (max - expected);
}
