import { type Rng, shuffleInPlace } from '../../../core/ml/random.js';
import type { CartData, CartOptions } from './cart.js';

export interface Split {
  readonly feature: number;
  readonly threshold: number;
  /** The impurity proxy (higher is better): sum over children of (weighted stat)^2 / weight. */
  readonly proxy: number;
}

/** Buffers reused across nodes so the split search does not allocate per node. */
export interface SplitScratch {
  readonly order: Uint32Array;
  readonly total: Float64Array;
  readonly left: Float64Array;
  readonly features: Int32Array;
}

export function splitScratch(data: CartData, rows: number): SplitScratch {
  const k = Math.max(data.nClasses, 1);
  return {
    order: new Uint32Array(rows),
    total: new Float64Array(k),
    left: new Float64Array(k),
    features: Int32Array.from({ length: data.cols }, (_, i) => i),
  };
}

/** Class weights (classification) or [sum w*y] (regression) into `into`; returns total weight. */
function stats(
  data: CartData,
  w: Float64Array,
  rows: ArrayLike<number>,
  start: number,
  end: number,
  into: Float64Array,
): number {
  into.fill(0);
  let total = 0;
  for (let i = start; i < end; i++) {
    const r = rows[i];
    total += w[r];
    if (data.nClasses > 0) into[data.y[r]] += w[r];
    else into[0] += w[r] * data.y[r];
  }
  return total;
}

function sumSquares(v: Float64Array): number {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return s;
}

/** Float32 threshold between adjacent distinct float32 values a < b: a <= t < b. */
function midpoint(a: number, b: number): number {
  const t = Math.fround(a / 2 + b / 2);
  return t >= b ? a : t;
}

/** Best threshold of one feature by an exact scan over the node's rows sorted by value. */
function bestThreshold(
  data: CartData,
  w: Float64Array,
  f: number,
  n: number,
  s: SplitScratch,
  minLeaf: number,
  wTotal: number,
): Split | null {
  const { order, total, left } = s;
  const col = f * data.rows;
  const x = data.X;
  order.subarray(0, n).sort((a, b) => x[col + a] - x[col + b]);
  if (x[col + order[0]] === x[col + order[n - 1]]) return null;
  left.fill(0);
  const classes = data.nClasses > 0;
  let wLeft = 0;
  let sqLeft = 0;
  let sqRight = classes ? sumSquares(total) : total[0] * total[0];
  let best: Split = { feature: f, threshold: 0, proxy: Number.NEGATIVE_INFINITY };
  for (let i = 0; i < n - 1; i++) {
    const r = order[i];
    const wr = w[r];
    const k = classes ? data.y[r] : 0;
    const add = classes ? wr : wr * data.y[r];
    const lk = left[k];
    const rk = total[k] - lk;
    sqLeft += 2 * lk * add + add * add;
    sqRight += -2 * rk * add + add * add;
    left[k] = lk + add;
    wLeft += wr;
    const a = x[col + r];
    const b = x[col + order[i + 1]];
    if (a === b || i + 1 < minLeaf || n - i - 1 < minLeaf) continue;
    const proxy = sqLeft / wLeft + sqRight / (wTotal - wLeft);
    if (proxy > best.proxy) best = { feature: f, threshold: midpoint(a, b), proxy };
  }
  return best;
}

/** Extra-trees: one uniform threshold in (min, max) of the node's values, scored once. */
function randomThreshold(
  data: CartData,
  w: Float64Array,
  f: number,
  n: number,
  s: SplitScratch,
  minLeaf: number,
  wTotal: number,
  rng: Rng,
): Split | null {
  const { order, total, left } = s;
  const col = f * data.rows;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = data.X[col + order[i]];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(max > min)) return null;
  let t = Math.fround(min + rng.next() * (max - min));
  if (t >= max) t = min;
  left.fill(0);
  let wLeft = 0;
  let nLeft = 0;
  for (let i = 0; i < n; i++) {
    const r = order[i];
    if (data.X[col + r] > t) continue;
    nLeft++;
    wLeft += w[r];
    left[data.nClasses > 0 ? data.y[r] : 0] += data.nClasses > 0 ? w[r] : w[r] * data.y[r];
  }
  if (nLeft < minLeaf || n - nLeft < minLeaf)
    return { feature: f, threshold: t, proxy: Number.NEGATIVE_INFINITY };
  let sqRight = 0;
  for (let k = 0; k < total.length; k++) sqRight += (total[k] - left[k]) ** 2;
  return { feature: f, threshold: t, proxy: sumSquares(left) / wLeft + sqRight / (wTotal - wLeft) };
}

/**
 * The best split of rows[start, end) over up to `maxFeatures` non-constant features, visited
 * in a random order (sklearn's rule: constant features do not count toward max_features).
 */
export function findBestSplit(
  data: CartData,
  w: Float64Array,
  rows: Uint32Array,
  start: number,
  end: number,
  options: CartOptions,
  rng: Rng,
  s: SplitScratch,
): Split | null {
  const n = end - start;
  const wTotal = stats(data, w, rows, start, end, s.total);
  shuffleInPlace(s.features, rng);
  let best: Split | null = null;
  let visited = 0;
  for (let j = 0; j < s.features.length && visited < options.maxFeatures; j++) {
    s.order.set(rows.subarray(start, end));
    const f = s.features[j];
    const split = options.randomThresholds
      ? randomThreshold(data, w, f, n, s, options.minSamplesLeaf, wTotal, rng)
      : bestThreshold(data, w, f, n, s, options.minSamplesLeaf, wTotal);
    if (!split) continue;
    visited++;
    if (split.proxy > Number.NEGATIVE_INFINITY && (!best || split.proxy > best.proxy)) best = split;
  }
  return best;
}
