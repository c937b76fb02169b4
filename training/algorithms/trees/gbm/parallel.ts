import { Worker } from 'node:worker_threads';
import type { Histogram } from './histogram.js';
import { clearHistogram, HISTOGRAM_BYTES } from './histogram.js';
import type { HistogramMemory } from './histogram-memory.js';
import { histogramKernel } from './wasm-kernel.js';

/**
 * A second thread running the same WebAssembly kernel on the same shared memory (codes, row
 * index, gathered gradients, histograms, partition buffers), for the two row passes of a
 * large node:
 * - a histogram: the worker sums half of the features;
 * - a partition: the worker partitions the second half of the node's rows, and the halves
 *   are joined in order.
 * Each feature is summed by exactly one thread in row order, and the joined partition is the
 * single-thread one, so trees do not depend on threads.
 *
 * The worker runs plain JavaScript from a string: a TypeScript worker file would need the
 * tsx loader inside the worker, which vitest and the trainer's child process do not share,
 * and the bundled trainer would need a second file. It mirrors HistogramMemory.accumulate
 * and HistogramMemory.partLeft.
 */
const HISTOGRAM_TASK = 0;
const PARTITION_TASK = 1;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, args, n, rowsAt, pairs, featureBytes, table, scratch } = workerData;
const { acc4, acc1, acc2, acc3, part } = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
const rest = [undefined, acc1, acc2, acc3];
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  if (seen < 0) break;
  if (args[0] === ${HISTOGRAM_TASK}) {
    const h = args[1], rows = rowsAt + args[2] * 4, m = args[3], f1 = args[5];
    let f = args[4];
    for (; f + 4 <= f1; f += 4) acc4(h + f * featureBytes, f * n, n, rows, m, pairs);
    if (f < f1) rest[f1 - f](h + f * featureBytes, f * n, n, rows, m, pairs);
  } else {
    ctrl[2] = part(rowsAt + args[1] * 4, args[2], args[3] * n, table, scratch + args[4] * 4);
  }
  Atomics.store(ctrl, 1, seen);
  Atomics.notify(ctrl, 1);
}
`;

/** Below this many bin updates a node is summed on one thread (waking the worker costs more). */
const PARALLEL_MIN_UPDATES = 60_000;

/** Below this many rows a node is partitioned on one thread. */
const PARALLEL_MIN_PARTITION_ROWS = 20_000;

const WORKER_TIMEOUT_MS = 120_000;

/** The worker over a HistogramMemory; `close()` must be called when the fit ends. */
export class ParallelHistograms {
  /** [request sequence, done sequence, partition result]: what the threads exchange. */
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(3 * 4));
  /** A request: the task, then its arguments (see WORKER_SOURCE). */
  private readonly args = new Float64Array(new SharedArrayBuffer(6 * 8));
  private readonly worker: Worker;
  private seq = 0;

  constructor(private readonly mem: HistogramMemory) {
    const { table, scratch } = mem.partitionAddresses;
    const workerData = {
      module: histogramKernel(),
      memory: mem.memory,
      ctrl: this.ctrl,
      args: this.args,
      n: mem.data.rows,
      rowsAt: mem.rows.byteOffset,
      pairs: mem.pairsAddress,
      featureBytes: HISTOGRAM_BYTES(1),
      table,
      scratch,
    };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.unref();
  }

  /** HistogramMemory.build, with features [cols/2, cols) summed by the worker for large nodes. */
  build(hist: Histogram, start: number, end: number): void {
    const { mem } = this;
    const { data } = mem;
    const m = end - start;
    if (m * data.cols < PARALLEL_MIN_UPDATES || data.cols < 2) {
      mem.build(hist, start, end);
      return;
    }
    clearHistogram(hist, data);
    const mid = Math.floor(data.cols / 2);
    this.post([HISTOGRAM_TASK, hist.byteOffset, start, m, mid, data.cols]);
    mem.accumulate(hist, start, m, 0, mid);
    this.wait();
  }

  /** HistogramMemory.partition, the second half of a large node's rows on the worker. */
  partition(start: number, end: number, feature: number, bin: number, missingLeft: boolean): number {
    const { mem } = this;
    const m = end - start;
    if (m < PARALLEL_MIN_PARTITION_ROWS) return mem.partition(start, end, feature, bin, missingLeft);
    mem.setSplit(bin, missingLeft);
    const half = Math.floor(m / 2);
    this.post([PARTITION_TASK, start + half, m - half, feature, half]);
    const leftA = mem.partLeft(start, half, feature, 0);
    this.wait();
    return mem.joinHalves(start, m, half, leftA, this.ctrl[2]);
  }

  private post(task: number[]): void {
    this.args.set(task);
    Atomics.store(this.ctrl, 0, ++this.seq);
    Atomics.notify(this.ctrl, 0);
  }

  private wait(): void {
    const { ctrl, seq } = this;
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
