import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Matrix } from '../types.js';
import { SUM_BLOCK_ROWS, type SumTree, sumBlock } from './sum-block.js';

/** From this many tree walks (rows x trees) a second core sums half the blocks. */
const TWO_THREAD_WALKS = 4_000_000;

// ctrl slots (Int32): the next block to claim, blocks completed, and a worker failure flag.
const [NEXT, DONE, FAILED] = [0, 1, 2];

/** Two threads for large sums when a second core exists. */
export function useTwoThreads(rows: number, trees: number): boolean {
  return rows * trees >= TWO_THREAD_WALKS && availableParallelism() > 1;
}

/**
 * The worker: claims blocks until none is left, each summed by `sumBlock`'s own source text (so
 * the two threads run the same code), and counts it done; a failure is flagged, not awaited.
 */
const workerSource = (sumBlockSource: string) => `
const { workerData } = require('node:worker_threads');
const { trees, x, out, ctrl, cols, nOut, rows, blockRows } = workerData;
const sumBlock = (${sumBlockSource});
try {
  for (let b = Atomics.add(ctrl, ${NEXT}, 1); b * blockRows < rows; b = Atomics.add(ctrl, ${NEXT}, 1)) {
    sumBlock(trees, x, cols, out, nOut, b * blockRows, Math.min(blockRows, rows - b * blockRows));
    Atomics.add(ctrl, ${DONE}, 1);
    Atomics.notify(ctrl, ${DONE});
  }
} catch (e) {
  Atomics.store(ctrl, ${FAILED}, 1);
  Atomics.notify(ctrl, ${DONE});
  throw e;
}
`;

const shared = (length: number) => new Float32Array(new SharedArrayBuffer(length * 4));

/**
 * `sumTrees` on two threads: X's float32 copy and the sums live in shared memory, and each thread
 * claims blocks of rows (an atomic counter) until none is left. Every row is summed by one
 * thread, its trees in order, so the sums do not depend on who summed which block. The main
 * thread never waits for a worker that has not started (it claims the blocks itself), only for
 * blocks the worker is summing. `mainSums: false` (tests) leaves every block to the worker.
 */
export function sumTreesTwoThreads(
  trees: readonly SumTree[],
  X: Matrix,
  nOut: number,
  { mainSums = true }: { readonly mainSums?: boolean } = {},
): Float32Array {
  const { rows, cols } = X;
  const x = shared(rows * cols);
  x.set(X.data);
  const out = shared(rows * nOut);
  const ctrl = new Int32Array(new SharedArrayBuffer(12));
  const blocks = Math.ceil(rows / SUM_BLOCK_ROWS);
  const workerData = { trees, x, out, ctrl, cols, nOut, rows, blockRows: SUM_BLOCK_ROWS };
  const worker = new Worker(workerSource(sumBlock.toString()), { eval: true, workerData });
  worker.on('error', () => undefined);
  try {
    while (mainSums) {
      const b = Atomics.add(ctrl, NEXT, 1);
      if (b >= blocks) break;
      const first = b * SUM_BLOCK_ROWS;
      sumBlock(trees, x, cols, out, nOut, first, Math.min(SUM_BLOCK_ROWS, rows - first));
      Atomics.add(ctrl, DONE, 1);
    }
    for (let done = Atomics.load(ctrl, DONE); done < blocks; done = Atomics.load(ctrl, DONE)) {
      if (Atomics.load(ctrl, FAILED)) throw new Error('sumTrees: the second thread failed');
      Atomics.wait(ctrl, DONE, done);
    }
  } finally {
    void worker.terminate();
  }
  return out;
}
