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

// ctrl slots (Int32): the request sequence, the done sequence, a partition's left count, and
// the worker's state (STARTING, then READY once its kernel instance exists, or FAILED).
const [REQUEST, DONE, RESULT, STATE] = [0, 1, 2, 3];
const [STARTING, READY, FAILED] = [0, 1, -1];

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, args, n, rowsAt, pairs, pairScratch, featureBytes, table, scratch, startDelayMs } = workerData;
const signal = (state) => { Atomics.store(ctrl, ${STATE}, state); Atomics.notify(ctrl, ${STATE}); };
if (startDelayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, startDelayMs);
let kernel;
try {
  kernel = new WebAssembly.Instance(module, { env: { mem: memory } }).exports;
} catch (e) {
  signal(${FAILED});
  throw e;
}
const { acc4, acc1, acc2, acc3, part } = kernel;
const rest = [undefined, acc1, acc2, acc3];
function run() {
  if (args[0] === ${HISTOGRAM_TASK}) {
    const h = args[1], rows = rowsAt + args[2] * 4, m = args[3], f1 = args[5];
    let f = args[4];
    for (; f + 4 <= f1; f += 4) acc4(h + f * featureBytes, f * n, n, rows, m, pairs);
    if (f < f1) rest[f1 - f](h + f * featureBytes, f * n, n, rows, m, pairs);
  } else {
    ctrl[${RESULT}] = part(rowsAt + args[1] * 4, args[2], args[3] * n, table, scratch + args[4] * 4, pairs, pairScratch);
  }
}
signal(${READY});
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${REQUEST}, seen);
  const next = Atomics.load(ctrl, ${REQUEST});
  // Woken without a new request: run nothing (re-running the last one would corrupt it).
  if (next === seen) continue;
  if (next < 0) break;
  seen = next;
  try {
    run();
  } catch (e) {
    signal(${FAILED});
  }
  Atomics.store(ctrl, ${DONE}, seen);
  Atomics.notify(ctrl, ${DONE});
}
`;

/**
 * Test hooks: `workerStartDelayMs` holds each new worker back before it instantiates the
 * kernel, so a fit's first nodes run before the worker is ready (the start-up order that a
 * loaded machine produces by chance).
 */
export const parallelTestHooks = { workerStartDelayMs: 0 };

/** Below this many bin updates a node is summed on one thread (waking the worker costs more). */
const PARALLEL_MIN_UPDATES = 60_000;

/** Below this many rows a node is partitioned on one thread. */
const PARALLEL_MIN_PARTITION_ROWS = 20_000;

const WORKER_TIMEOUT_MS = 120_000;

/**
 * The worker over a HistogramMemory; `close()` must be called when the fit ends.
 *
 * Start-up: the memory should already hold everything the fit allocates (see
 * `HistogramMemory.reserve`), so it does not grow while the worker attaches to it; a later
 * grow first waits until the worker is ready. Until the worker reports ready, every node is
 * done on this thread, which gives the same result (the worker never delays the first trees).
 */
export class ParallelHistograms {
  /** [request sequence, done sequence, partition result, worker state]: what the threads exchange. */
  private readonly ctrl = new Int32Array(new SharedArrayBuffer(4 * 4));
  /** A request: the task, then its arguments (see WORKER_SOURCE). */
  private readonly args = new Float64Array(new SharedArrayBuffer(6 * 8));
  private readonly worker: Worker;
  private seq = 0;
  private ready = false;

  constructor(private readonly mem: HistogramMemory) {
    const { table, scratch } = mem.partitionAddresses;
    const workerData = {
      module: histogramKernel(),
      memory: mem.memory,
      ctrl: this.ctrl,
      args: this.args,
      n: mem.data.rows,
      rowsAt: mem.rows.byteOffset,
      ...mem.pairBases,
      featureBytes: HISTOGRAM_BYTES(1),
      table,
      scratch,
      startDelayMs: parallelTestHooks.workerStartDelayMs,
    };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.unref();
    mem.beforeGrow = () => this.awaitReady();
  }

  /** HistogramMemory.build, with features [cols/2, cols) summed by the worker for large nodes. */
  build(hist: Histogram, start: number, end: number): void {
    const { mem } = this;
    const { data } = mem;
    const m = end - start;
    if (m * data.cols < PARALLEL_MIN_UPDATES || data.cols < 2 || !this.isReady()) {
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
    if (m < PARALLEL_MIN_PARTITION_ROWS || !this.isReady())
      return mem.partition(start, end, feature, bin, missingLeft);
    mem.setSplit(bin, missingLeft);
    const half = Math.floor(m / 2);
    this.post([PARTITION_TASK, start + half, m - half, feature, half]);
    const leftA = mem.partLeft(start, half, feature, 0);
    this.wait();
    return mem.joinHalves(start, m, half, leftA, this.ctrl[RESULT]);
  }

  /** True once the worker has its kernel instance (never blocks). */
  private isReady(): boolean {
    if (this.ready) return true;
    const state = Atomics.load(this.ctrl, STATE);
    if (state === FAILED) throw new Error('gradient_boosting: histogram worker failed to start');
    this.ready = state === READY;
    return this.ready;
  }

  /** Blocks until the worker is ready (before the shared memory grows; tests that need the worker). */
  awaitReady(): void {
    while (!this.isReady()) {
      // A worker that never starts cannot answer; fail the fit instead of blocking forever.
      if (Atomics.wait(this.ctrl, STATE, STARTING, WORKER_TIMEOUT_MS) === 'timed-out')
        throw new Error('gradient_boosting: histogram worker did not start');
    }
  }

  private post(task: number[]): void {
    this.args.set(task);
    Atomics.store(this.ctrl, REQUEST, ++this.seq);
    Atomics.notify(this.ctrl, REQUEST);
  }

  private wait(): void {
    const { ctrl, seq } = this;
    for (let done = Atomics.load(ctrl, DONE); done !== seq; done = Atomics.load(ctrl, DONE)) {
      // A crashed worker never answers; fail the fit instead of blocking forever.
      if (Atomics.wait(ctrl, DONE, done, WORKER_TIMEOUT_MS) === 'timed-out')
        throw new Error('gradient_boosting: histogram worker did not answer');
    }
    if (Atomics.load(ctrl, STATE) === FAILED) throw new Error('gradient_boosting: histogram worker failed');
  }

  close(): void {
    this.mem.beforeGrow = undefined;
    Atomics.store(this.ctrl, REQUEST, -1);
    Atomics.notify(this.ctrl, REQUEST);
    void this.worker.terminate();
  }
}
