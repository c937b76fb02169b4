import { silhouette } from '../../../core/ml/silhouette.js';
import type { Matrix } from '../types.js';

export { silhouette };

export interface ClusteringMetrics {
  /** Sum of squared distances of rows to their cluster's centre. */
  readonly inertia: number;
  /** Mean silhouette coefficient (Euclidean), in [-1, 1]; 0 when there is one cluster. */
  readonly silhouette: number;
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
