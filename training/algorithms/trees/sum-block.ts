import type { Tree } from './tree.js';

/** Rows per block: each tree walks a block of rows while its nodes stay in cache. */
export const SUM_BLOCK_ROWS = 512;

/**
 * A tree re-laid out for walking: a split's right child sits right after its left child, so a
 * step is `child + (goes right)`; a leaf has `feature` -1 and `child` = its node id in the Tree.
 */
export interface WalkTree {
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

/** A tree ready for `sumBlock`: its walk layout, leaf outputs and target (-1: every output). */
export interface SumTree extends WalkTree {
  readonly values: Float32Array;
  readonly target: number;
}

export function toSumTree(tree: Tree): SumTree {
  return { ...toWalkTree(tree), values: tree.values, target: tree.target ?? -1 };
}

/**
 * Adds the trees' leaf outputs, tree by tree, for rows [first, first + n) of the float32 rows
 * `x` into `out` (nOut per row, same row index). A walk goes left when `v <= threshold`, right
 * when `v > threshold`, and for a missing value (NaN) to the tracked side, as findLeaf decides.
 * Self-contained (no outside names): a second thread runs its source text (sum-trees-threads.ts).
 */
export function sumBlock(
  trees: readonly SumTree[],
  x: Float32Array,
  cols: number,
  out: Float32Array,
  nOut: number,
  first: number,
  n: number,
): void {
  for (let t = 0; t < trees.length; t++) {
    const { feature, threshold, child, nanRight, values, target } = trees[t];
    const f0 = feature[0];
    for (let i = first; i < first + n; i++) {
      const offset = i * cols;
      let node = 0;
      let f = f0;
      while (f >= 0) {
        const v = x[offset + f];
        const th = threshold[node];
        node = child[node] + (v <= th ? 0 : v > th ? 1 : nanRight[node]);
        f = feature[node];
      }
      const leaf = child[node];
      if (target >= 0) out[i * nOut + target] += values[leaf];
      else for (let k = 0; k < nOut; k++) out[i * nOut + k] += values[leaf * nOut + k];
    }
  }
}
