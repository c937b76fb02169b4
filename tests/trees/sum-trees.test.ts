import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../core/ml/random.js';
import { toSumTree } from '../../training/algorithms/trees/sum-block.js';
import { SUM_BLOCK_ROWS, sumTrees } from '../../training/algorithms/trees/sum-trees.js';
import { sumTreesTwoThreads } from '../../training/algorithms/trees/sum-trees-threads.js';
import { findLeaf, type Tree, TreeBuilder } from '../../training/algorithms/trees/tree.js';
import type { Matrix } from '../../training/algorithms/types.js';

/** Cell values with ties, signed zeros, infinities and missing values. */
const CELLS = [Number.NaN, -Infinity, -2.5, -1, -0, 0, 0.1, 1 / 3, 1, 2.5, 1e30, Infinity];

/** A random tree grown depth-first (children are not adjacent), thresholds drawn from CELLS. */
function randomTree(rng: Rng, cols: number, nOut: number, depth: number): Tree {
  const b = new TreeBuilder(nOut);
  const value = () => Array.from({ length: nOut }, () => rng.normal());
  const grow = (id: number, d: number) => {
    if (d === depth || rng.next() < 0.2) return;
    const left = b.add(value());
    grow(left, d + 1);
    const right = b.add(value());
    grow(right, d + 1);
    const th = CELLS[1 + rng.int(CELLS.length - 1)];
    b.split(id, rng.int(cols), th, left, right, rng.next() < 0.5);
  };
  grow(b.add(value()), 0);
  return b.freeze();
}

function randomMatrix(rng: Rng, rows: number, cols: number): Matrix {
  const data = Float64Array.from({ length: rows * cols }, () =>
    rng.next() < 0.5 ? CELLS[rng.int(CELLS.length)] : rng.normal(),
  );
  return { data, rows, cols };
}

/** The reference: row by row, each row through every tree in order (what the ensemble did before). */
function rowByRow(trees: readonly Tree[], X: Matrix, nOut: number): Float32Array {
  const x = Float32Array.from(X.data);
  const out = new Float32Array(X.rows * nOut);
  for (let r = 0; r < X.rows; r++) {
    for (const tree of trees) {
      const leaf = findLeaf(tree, x, r * X.cols);
      if (tree.target !== undefined) out[r * nOut + tree.target] += tree.values[leaf];
      else for (let k = 0; k < nOut; k++) out[r * nOut + k] += tree.values[leaf * nOut + k];
    }
  }
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('sumTrees (tree-major over blocks of rows)', () => {
  const rows = 2 * SUM_BLOCK_ROWS + 37;
  it.each([
    ['one output', 1, false],
    ['3 outputs per leaf (forest probabilities)', 3, false],
    ['per-target single-output trees (GBM softmax)', 3, true],
  ])('gives the row-by-row sums bit for bit: %s', (_name, nOut, perTarget) => {
    const rng = createRng(nOut * 7 + (perTarget ? 1 : 0));
    const cols = 5;
    const trees = Array.from({ length: 40 }, (_, t) => {
      const tree = randomTree(rng, cols, perTarget ? 1 : nOut, 1 + (t % 7));
      return perTarget ? { ...tree, target: t % nOut } : tree;
    });
    const X = randomMatrix(rng, rows, cols);
    expect(bits(sumTrees(trees, X, nOut))).toEqual(bits(rowByRow(trees, X, nOut)));
  });

  it('handles a single-leaf tree, fewer rows than a block, and no rows', () => {
    const rng = createRng(3);
    const stump = new TreeBuilder(1);
    stump.add([0.25]);
    const trees = [stump.freeze(), randomTree(rng, 2, 1, 4)];
    for (const n of [0, 1, 5]) {
      const X = randomMatrix(rng, n, 2);
      expect(bits(sumTrees(trees, X, 1))).toEqual(bits(rowByRow(trees, X, 1)));
    }
  });
});

describe('sumTrees on two threads', () => {
  const rows = 9 * SUM_BLOCK_ROWS + 11;
  it.each([
    ['one output, both threads summing', 1, false, true],
    ['3 outputs per leaf, the worker summing every block', 3, false, false],
    ['per-target trees, the worker summing every block', 3, true, false],
  ])('gives the row-by-row sums bit for bit: %s', (_name, nOut, perTarget, mainSums) => {
    const rng = createRng(nOut * 11 + (perTarget ? 1 : 0));
    const cols = 4;
    const trees = Array.from({ length: 30 }, (_, t) => {
      const tree = randomTree(rng, cols, perTarget ? 1 : nOut, 1 + (t % 6));
      return perTarget ? { ...tree, target: t % nOut } : tree;
    });
    const X = randomMatrix(rng, rows, cols);
    const sums = sumTreesTwoThreads(trees.map(toSumTree), X, nOut, { mainSums });
    expect(bits(sums)).toEqual(bits(rowByRow(trees, X, nOut)));
  });
});
