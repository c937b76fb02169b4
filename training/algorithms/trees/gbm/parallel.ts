import { Worker } from 'node:worker_threads';
import { BIN_SLOTS, type BinnedData } from './binning.js';
import { accumulateRange, type GradientView, type Histogram, prepareHistogram, STRIDE } from './histogram.js';

/**
 * A second thread that sums half of the features of each large histogram, on memory shared
 * with the main thread (codes, row index, gathered gradients, the histogram pool). Each
 * feature is summed by exactly one thread in row order, so results do not depend on threads.
 *
 * The worker runs plain JavaScript from a string: a TypeScript worker file would need the
 * tsx loader inside the worker, which vitest and the trainer's child process do not share.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { codes, rows, og, oh, pool, ctrl, n, slot, stride } = workerData;
function add(base, f, start, m) {
  const c = f * n; const h0 = base + f * slot;
  for (let i = 0; i < m; i++) {
    const o = h0 + codes[c + rows[start + i]] * stride;
    pool[o] += og[i]; pool[o + 1] += oh[i]; pool[o + 2] += 1;
  }
}
function add4(base, f, start, m) {
  const c0 = f * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n; const h0 = base + f * slot;
  for (let i = 0; i < m; i++) {
    const r = rows[start + i]; const g = og[i]; const h = oh[i];
    let o = h0 + codes[c0 + r] * stride; pool[o] += g; pool[o + 1] += h; pool[o + 2] += 1;
    o = h0 + slot + codes[c1 + r] * stride; pool[o] += g; pool[o + 1] += h; pool[o + 2] += 1;
    o = h0 + 2 * slot + codes[c2 + r] * stride; pool[o] += g; pool[o + 1] += h; pool[o + 2] += 1;
    o = h0 + 3 * slot + codes[c3 + r] * stride; pool[o] += g; pool[o + 1] += h; pool[o + 2] += 1;
  }
}
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  seen = Atomics.load(ctrl, 0);
  if (seen < 0) break;
  const base = ctrl[2], start = ctrl[3], m = ctrl[4], f1 = ctrl[6];
  let f = ctrl[5];
  for (; f + 4 <= f1; f += 4) add4(base, f, start, m);
  for (; f < f1; f++) add(base, f, start, m);
  Atomics.store(ctrl, 1, seen);
  Atomics.notify(ctrl, 1);
}
`;

/** Below this many bin updates a node is summed on one thread (waking the worker costs more). */
const PARALLEL_MIN_UPDATES = 60_000;

const WORKER_TIMEOUT_MS = 120_000;

function shared<T>(make: (b: SharedArrayBuffer) => T, bytes: number): T {
  return make(new SharedArrayBuffer(bytes));
}

/** Shared buffers plus the worker; `close()` must be called when the fit ends. */
export class ParallelHistograms {
  readonly data: BinnedData;
  readonly rows: Uint32Array;
  readonly og: Float64Array;
  readonly oh: Float64Array;
  private readonly pool: Float64Array;
  private readonly free: Histogram[] = [];
  private readonly ctrl = shared((b) => new Int32Array(b), 7 * 4);
  private readonly worker: Worker;
  private seq = 0;

  constructor(data: BinnedData, maxHistograms: number) {
    const n = data.rows;
    const codes = shared((b) => new Uint8Array(b), data.codes.length);
    codes.set(data.codes);
    this.data = { ...data, codes };
    this.rows = shared((b) => new Uint32Array(b), n * 4);
    this.og = shared((b) => new Float64Array(b), n * 8);
    this.oh = shared((b) => new Float64Array(b), n * 8);
    const size = data.cols * BIN_SLOTS * STRIDE;
    this.pool = shared((b) => new Float64Array(b), size * maxHistograms * 8);
    for (let i = maxHistograms - 1; i >= 0; i--) this.free.push(this.pool.subarray(i * size, (i + 1) * size));
    const workerData = {
      codes,
      rows: this.rows,
      og: this.og,
      oh: this.oh,
      pool: this.pool,
      ctrl: this.ctrl,
      n,
      slot: BIN_SLOTS * STRIDE,
      stride: STRIDE,
    };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.unref();
  }

  take(): Histogram {
    const h = this.free.pop();
    if (!h) throw new Error('histogram pool exhausted');
    return h;
  }

  give(h: Histogram): void {
    this.free.push(h);
  }

  /** buildHistogram, with features [cols/2, cols) summed by the worker for large nodes. */
  build(hist: Histogram, gv: GradientView, start: number, end: number): void {
    const { data, rows, og, oh, ctrl } = this;
    prepareHistogram(hist, data, gv, rows, start, end, og, oh);
    const m = end - start;
    if (m * data.cols < PARALLEL_MIN_UPDATES || data.cols < 2) {
      accumulateRange(hist, data, rows, start, m, og, oh, 0, data.cols);
      return;
    }
    const mid = Math.floor(data.cols / 2);
    const seq = ++this.seq;
    ctrl[2] = hist.byteOffset / 8;
    ctrl[3] = start;
    ctrl[4] = m;
    ctrl[5] = mid;
    ctrl[6] = data.cols;
    Atomics.store(ctrl, 0, seq);
    Atomics.notify(ctrl, 0);
    accumulateRange(hist, data, rows, start, m, og, oh, 0, mid);
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
