import type { Rng } from '../../../core/ml/random.js';
import { findBestSplit, type SplitScratch, splitScratch } from './cart-split.js';
import { type Tree, TreeBuilder } from './tree.js';

/** Everything a CART fit needs; X is column-major float32 (`X[f * rows + r]`). */
export interface CartData {
  readonly X: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** Class index (classification) or target (regression). */
  readonly y: Float64Array;
  /** 0 for regression. */
  readonly nClasses: number;
}

export interface CartOptions {
  /** 0 = unlimited. */
  readonly maxDepth: number;
  readonly minSamplesSplit: number;
  readonly minSamplesLeaf: number;
  /** Features examined per split (sklearn's max_features as a count). */
  readonly maxFeatures: number;
  /** Extra-trees: one uniformly drawn threshold per feature instead of the best one. */
  readonly randomThresholds: boolean;
}

/** Column-major float32 copy of a row-major float64 matrix. */
export function columnMajor32(data: Float64Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

interface Frame {
  node: number;
  start: number;
  end: number;
  depth: number;
}

/** Weighted class shares (classification) or weighted mean (regression) of rows[start, end). */
function leafValue(
  data: CartData,
  w: Float64Array,
  rows: Uint32Array,
  start: number,
  end: number,
): Float64Array {
  const k = Math.max(data.nClasses, 1);
  const v = new Float64Array(k);
  let total = 0;
  for (let i = start; i < end; i++) {
    const r = rows[i];
    total += w[r];
    if (data.nClasses > 0) v[data.y[r]] += w[r];
    else v[0] += w[r] * data.y[r];
  }
  for (let j = 0; j < k; j++) v[j] /= total;
  return v;
}

function isPure(data: CartData, rows: Uint32Array, start: number, end: number): boolean {
  const first = data.y[rows[start]];
  for (let i = start + 1; i < end; i++) if (data.y[rows[i]] !== first) return false;
  return true;
}

/** Moves rows going left to the front of [start, end); returns the first right position. */
function partition(
  data: CartData,
  rows: Uint32Array,
  start: number,
  end: number,
  f: number,
  t: number,
): number {
  let mid = start;
  const col = f * data.rows;
  for (let i = start; i < end; i++) {
    const r = rows[i];
    if (data.X[col + r] <= t) {
      rows[i] = rows[mid];
      rows[mid++] = r;
    }
  }
  return mid;
}

/**
 * Grows one CART tree depth first (gini for classes, squared error for values), on the rows
 * with positive weight. Leaves hold class shares or means; thresholds are float32 midpoints.
 */
export function fitCart(data: CartData, weights: Float64Array, options: CartOptions, rng: Rng): Tree {
  const rowList: number[] = [];
  for (let r = 0; r < data.rows; r++) if (weights[r] > 0) rowList.push(r);
  const rows = Uint32Array.from(rowList);
  const builder = new TreeBuilder(Math.max(data.nClasses, 1));
  const scratch: SplitScratch = splitScratch(data, rows.length);
  const stack: Frame[] = [
    {
      node: builder.add(leafValue(data, weights, rows, 0, rows.length)),
      start: 0,
      end: rows.length,
      depth: 0,
    },
  ];
  while (stack.length > 0) {
    const { node, start, end, depth } = stack.pop()!;
    const n = end - start;
    if (n < options.minSamplesSplit || n < 2 * options.minSamplesLeaf) continue;
    if (options.maxDepth > 0 && depth >= options.maxDepth) continue;
    if (isPure(data, rows, start, end)) continue;
    const split = findBestSplit(data, weights, rows, start, end, options, rng, scratch);
    if (!split) continue;
    const mid = partition(data, rows, start, end, split.feature, split.threshold);
    const left = builder.add(leafValue(data, weights, rows, start, mid));
    const right = builder.add(leafValue(data, weights, rows, mid, end));
    builder.split(node, split.feature, split.threshold, left, right);
    stack.push({ node: right, start: mid, end, depth: depth + 1 });
    stack.push({ node: left, start, end: mid, depth: depth + 1 });
  }
  return builder.freeze();
}
