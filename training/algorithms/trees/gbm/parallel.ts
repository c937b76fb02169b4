import { Worker } from 'node:worker_threads';
import type { Histogram } from './histogram.js';
import { clearHistogram, HISTOGRAM_BYTES } from './histogram.js';
import type { HistogramMemory } from './histogram-memory.js';
import { histogramKernel } from './wasm-kernel.js';

/**
 * A second thread that sums half of the features of each large histogram with the same
 * WebAssembly kernel, on the same shared memory (codes, row index, gathered gradients,
 * histograms). Each feature is summed by exactly one thread in row order, so results do not
 * depend on threads.
 *
 * The worker runs plain JavaScript from a string: a TypeScript worker file would need the
 * tsx loader inside the worker, which vitest and the trainer's child process do not share.
 * It mirrors HistogramMemory.accumulate.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, args, n, rowsAt, pairs, featureBytes } = workerData;
const { acc4, acc1 } = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  if (seen < 0) break;
  const h = args[0], rows = rowsAt + args[1] * 4, m = args[2], f1 = args[4];
  let f = args[3];
  for (; f + 4 <= f1; f += 4) acc4(h + f * featureBytes, f * n, n, rows, m, pairs);
  for (; f < f1; f++) acc1(h + f * featureBytes, f * n, n, rows, m, pairs);
  Atomics.store(ctrl, 1, seen);
  Atomics.notify(ctrl, 1);
}
`;

/** Below this many bin updates a node is summed on one thread (waking the worker costs more). */
const PARALLEL_MIN_UPDATES = 60_000;

const WORKER_TIMEOUT_MS = 120_000;

/** The worker over a HistogramMemory; `close()` must be called when the fit ends. */
export class ParallelHistograms {
  /** [request sequence, done sequence]: what the threads wait on. */
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(2 * 4));
  /** A request: histogram address, first row position, row count, features [f0, f1). */
  private readonly args = new Float64Array(new SharedArrayBuffer(5 * 8));
  private readonly worker: Worker;
  private seq = 0;

  constructor(private readonly mem: HistogramMemory) {
    const workerData = {
      module: histogramKernel(),
      memory: mem.memory,
      ctrl: this.ctrl,
      args: this.args,
      n: mem.data.rows,
      rowsAt: mem.rows.byteOffset,
      pairs: mem.pairsAddress,
      featureBytes: HISTOGRAM_BYTES(1),
    };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.unref();
  }

  /** HistogramMemory.build, with features [cols/2, cols) summed by the worker for large nodes. */
  build(hist: Histogram, start: number, end: number): void {
    const { mem, ctrl, args } = this;
    const { data } = mem;
    const m = end - start;
    if (m * data.cols < PARALLEL_MIN_UPDATES || data.cols < 2) {
      mem.build(hist, start, end);
      return;
    }
    clearHistogram(hist, data);
    const mid = Math.floor(data.cols / 2);
    const seq = ++this.seq;
    args.set([hist.byteOffset, start, m, mid, data.cols]);
    Atomics.store(ctrl, 0, seq);
    Atomics.notify(ctrl, 0);
    mem.accumulate(hist, start, m, 0, mid);
    for (let done = Atomics.load(ctrl, 1); done !== seq; done = Atomics.load(ctrl, 1)) {
      // A crashed worker never answers; fail the fit instead of blocking forever.
      if (Atomics.wait(ctrl, 1, done, WORKER_TIMEOUT_MS) === 'timed-out')
        throw new Error('gradient_boosting: histogram worker did not answer');
    }
  }

  close(): void {
    Atomics.store(this.ctrl, 0, -1);
    Atomics.notify(this.ctrl, 0);
    void this.worker.terminate();
  }
}
