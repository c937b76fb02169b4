import type { Matrix } from '../types.js';
import { SUM_BLOCK_ROWS, sumBlock, toSumTree } from './sum-block.js';
import { sumTreesTwoThreads, useTwoThreads } from './sum-trees-threads.js';
import type { Tree } from './tree.js';

export { SUM_BLOCK_ROWS } from './sum-block.js';

/**
 * Sums leaf outputs in float32, each row adding its trees in tree order, as onnxruntime does per
 * row; so every sum is bit-identical to a row-by-row walk. Tree-major over blocks of rows; the
 * float32 copy of X (the values onnxruntime compares) is made one block at a time. Large inputs
 * take two threads (sum-trees-threads.ts), which give the same sums.
 */
export function sumTrees(trees: readonly Tree[], X: Matrix, nOut: number): Float32Array {
  const sums = trees.map(toSumTree);
  if (useTwoThreads(X.rows, trees.length)) return sumTreesTwoThreads(sums, X, nOut);
  const { rows, cols } = X;
  const out = new Float32Array(rows * nOut);
  const block = new Float32Array(Math.min(rows, SUM_BLOCK_ROWS) * cols);
  for (let first = 0; first < rows; first += SUM_BLOCK_ROWS) {
    const n = Math.min(SUM_BLOCK_ROWS, rows - first);
    block.set(X.data.subarray(first * cols, (first + n) * cols));
    sumBlock(sums, block, cols, out.subarray(first * nOut, (first + n) * nOut), nOut, 0, n);
  }
  return out;
}
