import type { Matrix } from '../types.js';
import type { Tree } from './tree.js';

/** Rows per block: each tree walks a block of rows while its nodes stay in cache. */
export const SUM_BLOCK_ROWS = 512;

/**
 * A tree re-laid out for walking: a split's right child sits right after its left child, so a
 * step is `child + (goes right)`; a leaf has `feature` -1 and `child` = its node id in the Tree.
 */
interface WalkTree {
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  readonly child: Int32Array;
  /** 1 where a missing value goes right (the Tree's missingLeft is 0). */
  readonly nanRight: Uint8Array;
}

/** Breadth-first re-layout of the nodes reachable from the root (Tree semantics unchanged). */
function toWalkTree(tree: Tree): WalkTree {
  const n = tree.feature.length;
  const feature = new Int32Array(n);
  const threshold = new Float32Array(n);
  const child = new Int32Array(n);
  const nanRight = new Uint8Array(n);
  const at = new Int32Array(n);
  const queue = [0];
  let next = 1;
  for (let q = 0; q < queue.length; q++) {
    const node = queue[q];
    const i = at[node];
    feature[i] = tree.feature[node];
    if (feature[i] < 0) {
      child[i] = node;
      continue;
    }
    threshold[i] = tree.threshold[node];
    nanRight[i] = tree.missingLeft[node] === 1 ? 0 : 1;
    child[i] = next;
    at[tree.left[node]] = next;
    at[tree.right[node]] = next + 1;
    next += 2;
    queue.push(tree.left[node], tree.right[node]);
  }
  return { feature, threshold, child, nanRight };
}

/**
 * The Tree node id the float32 row at `offset` reaches: left when `v <= threshold`, right when
 * `v > threshold`, and for a missing value (NaN) the tracked side, as findLeaf decides.
 */
function walk(t: WalkTree, x: Float32Array, offset: number): number {
  const { feature, threshold, child, nanRight } = t;
  let node = 0;
  let f = feature[0];
  while (f >= 0) {
    const v = x[offset + f];
    const th = threshold[node];
    node = child[node] + (v <= th ? 0 : v > th ? 1 : nanRight[node]);
    f = feature[node];
  }
  return child[node];
}

/** Adds one tree's leaf outputs for the `n` float32 rows of `x` into `out` (nOut per row). */
function addTree(tree: Tree, w: WalkTree, x: Float32Array, n: number, cols: number, out: Float32Array) {
  const values = tree.values;
  const nOut = out.length / n;
  if (tree.target !== undefined || nOut === 1) {
    const t = tree.target ?? 0;
    for (let i = 0; i < n; i++) out[i * nOut + t] += values[walk(w, x, i * cols)];
    return;
  }
  for (let i = 0; i < n; i++) {
    const leaf = walk(w, x, i * cols) * nOut;
    for (let k = 0; k < nOut; k++) out[i * nOut + k] += values[leaf + k];
  }
}

/**
 * Sums leaf outputs in float32, each row adding its trees in tree order, as onnxruntime does per
 * row; so every sum is bit-identical to a row-by-row walk. Tree-major over blocks of rows; the
 * float32 copy of X (the values onnxruntime compares) is made one block at a time.
 */
export function sumTrees(trees: readonly Tree[], X: Matrix, nOut: number): Float32Array {
  const { rows, cols } = X;
  const out = new Float32Array(rows * nOut);
  const walks = trees.map(toWalkTree);
  const block = new Float32Array(Math.min(rows, SUM_BLOCK_ROWS) * cols);
  for (let first = 0; first < rows; first += SUM_BLOCK_ROWS) {
    const n = Math.min(SUM_BLOCK_ROWS, rows - first);
    block.set(X.data.subarray(first * cols, (first + n) * cols));
    const sums = out.subarray(first * nOut, (first + n) * nOut);
    for (let t = 0; t < trees.length; t++) addTree(trees[t], walks[t], block, n, cols, sums);
  }
  return out;
}
