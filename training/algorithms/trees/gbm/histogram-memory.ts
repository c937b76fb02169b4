import { type BinnedData, MISSING_BIN } from './binning.js';
import { clearHistogram, type GradientView, type Histogram, HISTOGRAM_BYTES } from './histogram.js';
import {
  type HistogramKernel,
  instantiateKernel,
  MAX_MEMORY_PAGES,
  type SharedWasmMemory,
  sharedMemory,
} from './wasm-kernel.js';

const PAGE = 65_536;

const align8 = (bytes: number) => Math.ceil(bytes / 8) * 8;

/**
 * Everything the histogram kernel reads and writes, in one shared WebAssembly memory: the bin
 * codes (column-major, from address 0), the row index (each tree node owns a contiguous range
 * of it), the current tree's gradient and hessian of each row side by side (copied in by
 * `loadGradients`; the booster keeps its own per-output arrays), partition buffers
 * and a pool of histograms that grows on demand. JavaScript sees them as typed arrays over the
 * same bytes; a worker thread may run the same kernel on them (see ParallelHistograms).
 */
export class HistogramMemory {
  readonly memory: SharedWasmMemory;
  /** The binned data, its codes living in the shared memory. */
  readonly data: BinnedData;
  readonly rows: Uint32Array;
  /**
   * The gradient and hessian of the row whose id is at rows[i], at 2i and 2i + 1: pairs move
   * with their rows when a node is partitioned, so a node's histogram reads them in sequence.
   */
  private readonly pairs: Float64Array;
  /** Partition scratch: where a split's right rows wait before going back after the left ones. */
  private readonly scratch: Uint32Array;
  /** The same for their gradient pairs. */
  private readonly pairScratch: Float64Array;
  /** Partition table: 1 where a code goes left. */
  private readonly goLeft: Uint8Array;
  private readonly kernel: HistogramKernel;
  private readonly free: Histogram[] = [];
  private top: number;
  /** Called before the memory grows (a worker attached to it waits to be ready first). */
  beforeGrow: (() => void) | undefined;

  constructor(binned: BinnedData) {
    const n = binned.rows;
    const rowsAt = align8(binned.codes.length);
    const pairsAt = Math.ceil((rowsAt + n * 4) / 16) * 16;
    const scratchAt = pairsAt + n * 16;
    const pairScratchAt = Math.ceil((scratchAt + n * 4) / 16) * 16;
    const tableAt = pairScratchAt + n * 16;
    this.top = tableAt + 256;
    const initial = Math.ceil((this.top + 4 * HISTOGRAM_BYTES(binned.cols)) / PAGE);
    this.memory = sharedMemory(initial, MAX_MEMORY_PAGES);
    const buffer = this.memory.buffer;
    const codes = new Uint8Array(buffer, 0, binned.codes.length);
    codes.set(binned.codes);
    this.data = { ...binned, codes };
    this.rows = new Uint32Array(buffer, rowsAt, n);
    this.pairs = new Float64Array(buffer, pairsAt, n * 2);
    this.scratch = new Uint32Array(buffer, scratchAt, n);
    this.pairScratch = new Float64Array(buffer, pairScratchAt, n * 2);
    this.goLeft = new Uint8Array(buffer, tableAt, 256);
    this.kernel = instantiateKernel(this.memory);
  }

  /** A histogram from the pool (contents undefined: `build` clears it). */
  take(): Histogram {
    return this.free.pop() ?? this.allocate(HISTOGRAM_BYTES(this.data.cols) / 8);
  }

  /**
   * Grows the memory now so that `allocate` calls totalling `bytes` (each rounded up to 8)
   * need no growth later: a fit reserves what it will allocate before a worker attaches.
   */
  reserve(bytes: number): void {
    this.ensure(this.top + bytes);
  }

  private ensure(end: number): void {
    const needed = Math.ceil(end / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (needed <= 0) return;
    this.beforeGrow?.();
    this.memory.grow(needed);
  }

  /** A zeroed float64 array of `length` in the shared memory, kept for the memory's life. */
  allocate(length: number): Float64Array {
    const bytes = align8(length * 8);
    this.ensure(this.top + bytes);
    // Views made before a grow stay valid: a shared memory never moves.
    const h = new Float64Array(this.memory.buffer, this.top, length);
    this.top += bytes;
    return h;
  }

  /** out[rows[i]] += value for i in [start, end): a leaf's value into its rows' raw scores (`out` from `allocate`). */
  addLeaf(out: Float64Array, start: number, end: number, value: number): void {
    this.kernel.addLeaf(out.byteOffset, this.rows.byteOffset + start * 4, end - start, value);
  }

  give(h: Histogram): void {
    this.free.push(h);
  }

  /** Sets the gradients and hessians that histograms sum (by row id; once per tree), in the rows' order. */
  loadGradients(gv: GradientView): void {
    const { pairs, rows } = this;
    const { grad, hess } = gv;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      pairs[2 * i] = grad[r];
      pairs[2 * i + 1] = hess[r];
    }
  }

  /**
   * What histograms sum, the pair at rows[i] at 2i and 2i + 1; while the rows are in id order
   * (a tree's start) that is row r's at 2r: a loss may fill it directly then.
   */
  get gradientPairs(): Float64Array {
    return this.pairs;
  }

  /** The kernel's `pairs` and `pairScratch` arguments (see wasm-kernel.ts), also for a worker. */
  get pairBases(): { pairs: number; pairScratch: number } {
    return {
      pairs: (this.pairs.byteOffset - 4 * this.rows.byteOffset) | 0,
      pairScratch: (this.pairScratch.byteOffset - 4 * this.scratch.byteOffset) | 0,
    };
  }

  /** Sums gradients, hessians and counts per bin over rows[start, end), on this thread. */
  build(hist: Histogram, start: number, end: number): void {
    clearHistogram(hist, this.data);
    this.accumulate(hist, start, end - start, 0, this.data.cols);
  }

  /** Features [f0, f1) of rows[start, start + m) into a cleared histogram, up to four per pass. */
  accumulate(hist: Histogram, start: number, m: number, f0: number, f1: number): void {
    const n = this.data.rows;
    const h = hist.byteOffset;
    const rows = this.rows.byteOffset + start * 4;
    const { pairs } = this.pairBases;
    const featureBytes = HISTOGRAM_BYTES(1);
    let f = f0;
    for (; f + 4 <= f1; f += 4) this.kernel.acc4(h + f * featureBytes, f * n, n, rows, m, pairs);
    // The last one to three features in one pass too (each feature's sums are the same).
    const rest = [undefined, this.kernel.acc1, this.kernel.acc2, this.kernel.acc3][f1 - f];
    rest?.(h + f * featureBytes, f * n, n, rows, m, pairs);
  }

  /**
   * Stable partition of rows[start, end) by "code of `feature` <= bin" (missing codes by
   * `missingLeft`); returns the first right position.
   */
  partition(start: number, end: number, feature: number, bin: number, missingLeft: boolean): number {
    this.setSplit(bin, missingLeft);
    const m = end - start;
    const left = this.partLeft(start, m, feature, 0);
    this.rows.set(this.scratch.subarray(0, m - left), start + left);
    this.pairs.set(this.pairScratch.subarray(0, 2 * (m - left)), 2 * (start + left));
    return start + left;
  }

  /** Fills the partition table for "code <= bin", missing codes by `missingLeft`. */
  setSplit(bin: number, missingLeft: boolean): void {
    const { goLeft } = this;
    for (let c = 0; c < 256; c++) goLeft[c] = c <= bin ? 1 : 0;
    goLeft[MISSING_BIN] = missingLeft ? 1 : 0;
  }

  /**
   * Packs the left rows of rows[start, start + m) at start and the right ones at
   * scratch[at, ...) by the table `setSplit` filled; returns the left count.
   */
  partLeft(start: number, m: number, feature: number, at: number): number {
    const rowsAt = this.rows.byteOffset + start * 4;
    const { pairs, pairScratch } = this.pairBases;
    return this.kernel.part(
      rowsAt,
      m,
      feature * this.data.rows,
      this.goLeft.byteOffset,
      this.scratch.byteOffset + at * 4,
      pairs,
      pairScratch,
    );
  }

  /** Where the kernel reads partition tables and writes right rows (for a worker). */
  get partitionAddresses(): { table: number; scratch: number } {
    return { table: this.goLeft.byteOffset, scratch: this.scratch.byteOffset };
  }

  /**
   * Joins runs partitioned by `partLeft` into one stable partition: run k covers rows
   * [bounds[k], bounds[k + 1]) with its left rows packed at its start and its right rows at
   * scratch[bounds[k] - start, ...), lefts[k] of them left. Returns the first right position.
   */
  joinRuns(start: number, bounds: Int32Array, lefts: Int32Array): number {
    const runs = bounds.length - 1;
    // Rows, then their pairs (two float64 per row).
    let mid = start;
    for (const [to, from, w] of [
      [this.rows, this.scratch, 1],
      [this.pairs, this.pairScratch, 2],
    ] as const) {
      let at = start;
      for (let k = 0; k < runs; k++) {
        if (at !== bounds[k]) to.copyWithin(w * at, w * bounds[k], w * (bounds[k] + lefts[k]));
        at += lefts[k];
      }
      mid = at;
      for (let k = 0; k < runs; k++) {
        const right = bounds[k + 1] - bounds[k] - lefts[k];
        const from0 = bounds[k] - start;
        to.set(from.subarray(w * from0, w * (from0 + right)), w * at);
        at += right;
      }
    }
    return mid;
  }

  /**
   * `parent -= child` over every slot: the sibling's histogram without touching its rows.
   * Slots no code reaches are zero in both, so they stay zero.
   */
  subtract(parent: Histogram, child: Histogram): void {
    this.kernel.sub(parent.byteOffset, child.byteOffset, parent.byteLength);
  }
}
