import { createRng, type Rng } from '../../../core/ml/random.js';
import type { Matrix } from '../types.js';

export interface KmeansFit {
  readonly centers: Float64Array;
  readonly labels: Int32Array;
  readonly inertia: number;
  readonly iterations: number;
}

function sqDist(X: Float64Array, i: number, C: Float64Array, k: number, f: number): number {
  let s = 0;
  for (let t = 0; t < f; t++) {
    const d = X[i * f + t] - C[k * f + t];
    s += d * d;
  }
  return s;
}

/** Greedy k-means++ (scikit-learn's): each step samples 2 + ln k candidates, keeps the best. */
function kmeansPlusPlus(X: Float64Array, n: number, f: number, k: number, rng: Rng): Float64Array {
  const C = new Float64Array(k * f);
  const trials = 2 + Math.floor(Math.log(k));
  const first = rng.int(n);
  C.set(X.subarray(first * f, first * f + f), 0);
  const closest = Float64Array.from({ length: n }, (_, i) => sqDist(X, i, C, 0, f));
  const cand = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (const v of closest) total += v;
    let bestPot = Number.POSITIVE_INFINITY;
    let best = 0;
    let bestClosest: Float64Array = closest;
    for (let t = 0; t < trials; t++) {
      let target = rng.next() * total;
      let pick = n - 1;
      for (let i = 0; i < n; i++) {
        target -= closest[i];
        if (target < 0) {
          pick = i;
          break;
        }
      }
      let pot = 0;
      for (let i = 0; i < n; i++) {
        cand[i] = Math.min(closest[i], sqDist(X, i, X, pick, f));
        pot += cand[i];
      }
      if (pot < bestPot) [bestPot, best, bestClosest] = [pot, pick, Float64Array.from(cand)];
    }
    C.set(X.subarray(best * f, best * f + f), c * f);
    closest.set(bestClosest);
  }
  return C;
}

function assign(
  X: Float64Array,
  n: number,
  f: number,
  C: Float64Array,
  k: number,
  labels: Int32Array,
): number {
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const d = sqDist(X, i, C, c, f);
      if (d < bestD) [bestD, best] = [d, c];
    }
    labels[i] = best;
    inertia += bestD;
  }
  return inertia;
}

/** Lloyd iterations until the squared centre shift is below tol (scaled by the mean feature variance). */
function lloyd(
  X: Float64Array,
  n: number,
  f: number,
  C: Float64Array,
  k: number,
  tol: number,
  maxIter: number,
): KmeansFit {
  const labels = new Int32Array(n);
  let it = 0;
  for (; it < maxIter; it++) {
    assign(X, n, f, C, k, labels);
    const sums = new Float64Array(k * f);
    const counts = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      counts[labels[i]]++;
      for (let t = 0; t < f; t++) sums[labels[i] * f + t] += X[i * f + t];
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) continue; // an empty cluster keeps its centre
      for (let t = 0; t < f; t++) {
        const v = sums[c * f + t] / counts[c];
        shift += (v - C[c * f + t]) ** 2;
        C[c * f + t] = v;
      }
    }
    if (shift <= tol) break;
  }
  const inertia = assign(X, n, f, C, k, labels);
  return { centers: C, labels, inertia, iterations: it + 1 };
}

/** k-means with k-means++ init, keeping the restart of least inertia. */
export function fitKmeans(
  X: Matrix,
  k: number,
  nInit: number,
  maxIter: number,
  tol: number,
  seed: number,
): KmeansFit {
  const { data, rows: n, cols: f } = X;
  let meanVar = 0;
  for (let t = 0; t < f; t++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * f + t] / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * f + t] - m) ** 2 / n;
    meanVar += v / f;
  }
  const rng = createRng(seed);
  let best: KmeansFit | undefined;
  for (let r = 0; r < nInit; r++) {
    const fit = lloyd(data, n, f, kmeansPlusPlus(data, n, f, k, rng), k, tol * meanVar, maxIter);
    if (!best || fit.inertia < best.inertia) best = fit;
  }
  if (!best) throw new Error('n_init must be at least 1');
  return best;
}
