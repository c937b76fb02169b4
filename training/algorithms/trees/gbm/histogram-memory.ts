import type { Matrix } from '../../types.js';
import { type BinnedData, binMatrix, type MatrixBinner, MISSING_BIN } from './binning.js';
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

/** Which of the two row indexes a node's rows live in (see HistogramMemory). */
export type Side = 0 | 1;

/** What a partition needs of a split: "code of `feature` <= bin", missing codes by `missingLeft`. */
export interface PartitionSplit {
  readonly feature: number;
  readonly bin: number;
  readonly missingLeft: boolean;
  /** How many of the node's rows go left (the split's histogram count). */
  readonly nLeft: number;
}

/** A matrix's shape and a binner writing its rows * cols codes into `codes`. */
export interface BinInPlace {
  readonly rows: number;
  readonly cols: number;
  binInto(codes: Uint8Array): BinnedData;
  /**
   * Called once the memory exists, before any code is written (`data` is not set yet, `shape`
   * is): a fit reserves its memory and starts its worker here, so the worker's start-up
   * overlaps binning instead of the first tree.
   */
  beforeBinning?(mem: HistogramMemory): void;
}

/**
 * The kernel's memory for a row-major matrix, its bin codes written in place (no copy), by the
 * MatrixBinner that `beforeBinning` returns if any (e.g. two threads), else by binMatrix.
 */
export function binnedMemory(
  X: Matrix,
  maxBins: number,
  beforeBinning?: (mem: HistogramMemory) => MatrixBinner | void,
): HistogramMemory {
  let binner: MatrixBinner | undefined;
  return new HistogramMemory({
    rows: X.rows,
    cols: X.cols,
    binInto: (codes) => (binner ? binner.binMatrix(X, maxBins, codes) : binMatrix(X, maxBins, codes)),
    beforeBinning: (mem) => {
      binner = beforeBinning?.(mem) ?? undefined;
    },
  });
}

/**
 * Everything the histogram kernel reads and writes, in one shared WebAssembly memory: the bin
 * codes (column-major, from address 0), two row indexes ("sides") with the current tree's
 * gradient and hessian of each row side by side beside each, partition tables and a pool of
 * histograms that grows on demand. A tree node owns a contiguous range of one side; a
 * partition writes its children to the same range of the other side (so there is no copy
 * back). The booster keeps its own per-output gradients; `loadGradients` copies them in.
 * JavaScript sees them as typed arrays over the same bytes; a worker thread may run the same
 * kernel on them (see ParallelHistograms).
 */
export class HistogramMemory {
  readonly memory: SharedWasmMemory;
  /** The binned data, its codes living in the shared memory. */
  readonly data: BinnedData;
  /** The matrix's rows and columns, known before `data` (see BinInPlace.beforeBinning). */
  readonly shape: { readonly rows: number; readonly cols: number };
  /** Each side's row index. */
  private readonly sides: readonly [Uint32Array, Uint32Array];
  /**
   * Per side, the gradient and hessian of the row whose id is at rows[i], at 2i and 2i + 1:
   * pairs move with their rows when a node is partitioned, so a node's histogram reads them in
   * sequence.
   */
  private readonly pairSides: readonly [Float64Array, Float64Array];
  /** Partition table: 1 where a code goes left. */
  private readonly goLeft: Uint8Array;
  private readonly kernel: HistogramKernel;
  private readonly free: Histogram[] = [];
  private top: number;
  /** Called before the memory grows (a worker attached to it waits to be ready first). */
  beforeGrow: (() => void) | undefined;

  /**
   * `binned`: the binned data (its codes are copied in), or the matrix's shape and a binner that
   * writes the codes straight into the memory (see `binnedMemory`).
   */
  constructor(binned: BinnedData | BinInPlace) {
    const n = binned.rows;
    const cells = binned.rows * binned.cols;
    const rowsAt = align8(cells);
    const pairsAt = Math.ceil((rowsAt + n * 4) / 16) * 16;
    const rows1At = pairsAt + n * 16;
    const pairs1At = Math.ceil((rows1At + n * 4) / 16) * 16;
    const tableAt = pairs1At + n * 16;
    this.top = tableAt + 256;
    const initial = Math.ceil((this.top + 4 * HISTOGRAM_BYTES(binned.cols)) / PAGE);
    this.memory = sharedMemory(initial, MAX_MEMORY_PAGES);
    const buffer = this.memory.buffer;
    this.shape = { rows: n, cols: binned.cols };
    this.sides = [new Uint32Array(buffer, rowsAt, n), new Uint32Array(buffer, rows1At, n)];
    this.pairSides = [new Float64Array(buffer, pairsAt, n * 2), new Float64Array(buffer, pairs1At, n * 2)];
    this.goLeft = new Uint8Array(buffer, tableAt, 256);
    this.kernel = instantiateKernel(this.memory);
    const codes = new Uint8Array(buffer, 0, cells);
    if ('binInto' in binned) {
      binned.beforeBinning?.(this);
      this.data = binned.binInto(codes);
    } else {
      codes.set(binned.codes);
      this.data = { ...binned, codes };
    }
  }

  /** Side 0's row index, where every tree starts (rows in id order). */
  get rows(): Uint32Array {
    return this.sides[0];
  }

  /** A side's row index. */
  rowsOf(side: Side): Uint32Array {
    return this.sides[side];
  }

  /** A side's gradient pairs (the pair at rowsOf(side)[i] at 2i and 2i + 1). */
  pairsOf(side: Side): Float64Array {
    return this.pairSides[side];
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

  /**
   * A float32 view of `length` values over the memory right after the codes (row indexes,
   * pairs, then what `allocate` hands out: unused until binning ends), grown if needed: binning's
   * columns, so they take no memory of their own. The caller zeroes it when done, as
   * `allocate` and the histogram pool expect zeroed memory.
   */
  binningScratch(length: number): Float32Array {
    const at = this.sides[0].byteOffset;
    this.ensure(at + length * 4);
    return new Float32Array(this.memory.buffer, at, length);
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

  /**
   * out[rows[i]] += value for i in [start, end) of a side: a leaf's value into its rows' raw
   * scores (`out` from `allocate`).
   */
  addLeaf(out: Float64Array, start: number, end: number, value: number, side: Side = 0): void {
    this.kernel.addLeaf(out.byteOffset, this.rowAddress(side, start), end - start, value);
  }

  /** The byte address of position i of a side's row index. */
  rowAddress(side: Side, i: number): number {
    return this.sides[side].byteOffset + i * 4;
  }

  give(h: Histogram): void {
    this.free.push(h);
  }

  /** Sets the gradients and hessians that histograms sum (by row id; once per tree), in side 0's order. */
  loadGradients(gv: GradientView): void {
    const [rows] = this.sides;
    const [pairs] = this.pairSides;
    const { grad, hess } = gv;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      pairs[2 * i] = grad[r];
      pairs[2 * i + 1] = hess[r];
    }
  }

  /**
   * What histograms sum, side 0's pairs; while its rows are in id order (a tree's start) row
   * r's pair is at 2r: a loss may fill it directly then.
   */
  get gradientPairs(): Float64Array {
    return this.pairSides[0];
  }

  /** A side's `pairs` argument of the kernel (see wasm-kernel.ts), also for a worker. */
  pairOffset(side: Side): number {
    return (this.pairSides[side].byteOffset - 4 * this.sides[side].byteOffset) | 0;
  }

  /** Sums gradients, hessians and counts per bin over a side's rows[start, end), on this thread. */
  build(hist: Histogram, start: number, end: number, side: Side = 0): void {
    clearHistogram(hist, this.data);
    this.accumulate(hist, start, end - start, 0, this.data.cols, side);
  }

  /** Features [f0, f1) of a side's rows[start, start + m) into a cleared histogram, up to four per pass. */
  accumulate(hist: Histogram, start: number, m: number, f0: number, f1: number, side: Side = 0): void {
    const n = this.data.rows;
    const h = hist.byteOffset;
    const rows = this.rowAddress(side, start);
    const pairs = this.pairOffset(side);
    const featureBytes = HISTOGRAM_BYTES(1);
    let f = f0;
    for (; f + 4 <= f1; f += 4) this.kernel.acc4(h + f * featureBytes, f * n, n, rows, m, pairs);
    // The last one to three features in one pass too (each feature's sums are the same).
    const rest = [undefined, this.kernel.acc1, this.kernel.acc2, this.kernel.acc3][f1 - f];
    rest?.(h + f * featureBytes, f * n, n, rows, m, pairs);
  }

  /**
   * Stable partition of a side's rows[start, end) by a split into the other side: the left
   * rows at [start, start + nLeft), the right ones after them. Returns start + nLeft.
   */
  partition(start: number, end: number, side: Side, s: PartitionSplit): number {
    this.setSplit(s.bin, s.missingLeft);
    const mid = start + s.nLeft;
    const lefts = this.splitRun(side, start, end, s.feature, [start, mid], false);
    checkLefts(lefts, s.nLeft);
    return mid;
  }

  /** Fills the partition table for "code <= bin", missing codes by `missingLeft`. */
  setSplit(bin: number, missingLeft: boolean): void {
    const { goLeft } = this;
    for (let c = 0; c < 256; c++) goLeft[c] = c <= bin ? 1 : 0;
    goLeft[MISSING_BIN] = missingLeft ? 1 : 0;
  }

  /**
   * Splits a side's rows[from, to) by the table `setSplit` filled into the other side at
   * positions [left, right]: forward (the next left and right slots) or backward (one past the
   * last ones; rows read from the end). Returns the left count.
   */
  splitRun(
    side: Side,
    from: number,
    to: number,
    feature: number,
    [left, right]: readonly [number, number],
    backward: boolean,
  ): number {
    const out = (1 - side) as Side;
    return (backward ? this.kernel.splitBack : this.kernel.split)(
      this.rowAddress(side, from),
      to - from,
      feature * this.data.rows,
      this.goLeft.byteOffset,
      this.rowAddress(out, left),
      this.rowAddress(out, right),
      this.pairOffset(side),
      this.pairOffset(out),
    );
  }

  /** Where the kernel reads partition tables, and each side's rows and pairs (for a worker). */
  get workerAddresses(): { table: number; rowsAt: [number, number]; pairsAt: [number, number] } {
    return {
      table: this.goLeft.byteOffset,
      rowsAt: [this.rowAddress(0, 0), this.rowAddress(1, 0)],
      pairsAt: [this.pairOffset(0), this.pairOffset(1)],
    };
  }

  /**
   * `parent -= child` over every slot: the sibling's histogram without touching its rows.
   * Slots no code reaches are zero in both, so they stay zero.
   */
  subtract(parent: Histogram, child: Histogram): void {
    this.kernel.sub(parent.byteOffset, child.byteOffset, parent.byteLength);
  }
}

/** A partition's left count must be the split's: the histogram counted the same rows. */
export function checkLefts(lefts: number, nLeft: number): void {
  if (lefts !== nLeft)
    throw new Error(
      `gradient_boosting: partition sent ${lefts} rows left where the histogram counted ${nLeft}`,
    );
}
