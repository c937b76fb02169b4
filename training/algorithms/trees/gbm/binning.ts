import type { Matrix } from '../../types.js';
import { BucketQuantiles } from './bucket-quantiles.js';
import { sortedOrder } from './radix-sort.js';

/** Bin code of a missing value; non-missing values use codes 0 .. nBins-1 (< 255). */
export const MISSING_BIN = 255;
/** Histogram slots per feature: up to 255 value bins plus the missing bin. */
export const BIN_SLOTS = 256;

/**
 * Features binned to small integers, column-major (`codes[f * rows + r]`). A value `x` of
 * feature f has code b when `x <= edges[f][b]` (and not for b - 1), in float32, so a split
 * "code <= b" is exactly the exported test "x <= edges[f][b]".
 */
export interface BinnedData {
  readonly codes: Uint8Array;
  readonly rows: number;
  readonly cols: number;
  /** Upper edges of bins 0 .. nBins-2 (the last bin is unbounded above). */
  readonly edges: readonly Float32Array[];
  readonly nBins: Int32Array;
}

/** Float32 threshold t with a <= t < b for float32 values a < b. */
function between(a: number, b: number): number {
  const t = Math.fround(a / 2 + b / 2);
  return t >= b ? a : t;
}

/** Whether sorted values hold at most `max` distinct values (stops counting past it). */
function fewDistinct(sorted: Float32Array, max: number): boolean {
  let distinct = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length && distinct <= max; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct <= max;
}

/** Bin edges of one feature's sorted non-missing float32 values (sklearn's rule). */
export function binEdges(sorted: Float32Array, maxBins: number): Float32Array {
  if (!fewDistinct(sorted, maxBins)) return quantileEdges((i) => sorted[i], sorted.length, maxBins);
  const edges: number[] = [];
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i] !== sorted[i - 1]) edges.push(between(sorted[i - 1], sorted[i]));
  return Float32Array.from(edges);
}

/** The ranks `quantileEdges` reads among n sorted values, ascending. */
function quantileRanks(n: number, maxBins: number): number[] {
  const ranks = new Set<number>();
  for (let q = 1; q < maxBins; q++) {
    const pos = (q / maxBins) * (n - 1);
    ranks.add(Math.floor(pos)).add(Math.ceil(pos));
  }
  ranks.add(n - 1);
  return [...ranks].sort((a, b) => a - b);
}

/**
 * Quantiles at q / maxBins with numpy's 'midpoint' interpolation, deduplicated, of n sorted
 * values read through `at` (rank -> value), for columns with more than maxBins distinct values.
 */
function quantileEdges(at: (rank: number) => number, n: number, maxBins: number): Float32Array {
  const edges: number[] = [];
  for (let q = 1; q < maxBins; q++) {
    const pos = (q / maxBins) * (n - 1);
    const lo = at(Math.floor(pos));
    const hi = at(Math.ceil(pos));
    const e = lo === hi ? lo : between(lo, hi);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  // A last edge at the maximum would leave the top bin empty.
  if (edges.length > 0 && edges[edges.length - 1] >= at(n - 1)) edges.pop();
  return Float32Array.from(edges);
}

/** The float32 columns of a row-major matrix, column-major: one sequential pass over X. */
function float32Columns(X: Matrix): Float32Array {
  const { rows, cols, data } = X;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let f = 0; f < cols; f++) out[f * rows + r] = data[r * cols + f];
  return out;
}

/** Columns binMatrix reads from the row-major matrix per pass (see `columnBlock`). */
const BLOCK_COLUMNS = 8;

/**
 * Features [f0, f0 + w) of a row-major matrix as float32 columns (column k at k * rows) in a
 * reused buffer: one strided pass over X per block, instead of a transposed copy of the whole
 * matrix, whose fresh pages cost more than the copy itself.
 */
function columnBlock(X: Matrix, f0: number, w: number, block: Float32Array): void {
  const { rows, cols, data } = X;
  for (let r = 0, i = f0; r < rows; r++, i += cols)
    for (let k = 0; k < w; k++) block[k * rows + r] = data[i + k];
}

/**
 * Bins every feature of a row-major matrix to at most `maxBins` (<= 255) value bins. The codes
 * go to `codes` when given (rows * cols bytes, e.g. a view of the kernel's memory, so they are
 * not copied there afterwards), else to a new array.
 */
export function binMatrix(
  X: Matrix,
  maxBins: number,
  codes: Uint8Array = new Uint8Array(X.rows * X.cols),
): BinnedData {
  const { rows, cols } = X;
  if (codes.length !== rows * cols)
    throw new Error(`binMatrix: codes must hold rows * cols = ${rows * cols} bytes`);
  const block = new Float32Array(rows * Math.min(cols, BLOCK_COLUMNS));
  const bits = new Uint32Array(block.buffer);
  const edges: Float32Array[] = [];
  const nBins = new Int32Array(cols);
  const bins = Math.min(maxBins, MISSING_BIN);
  const buckets = new BucketQuantiles(rows);
  for (let f0 = 0; f0 < cols; f0 += BLOCK_COLUMNS) {
    const w = Math.min(BLOCK_COLUMNS, cols - f0);
    columnBlock(X, f0, w, block);
    for (let k = 0; k < w; k++) {
      const base = k * rows;
      const at = (f0 + k) * rows;
      const m = buckets.count(bits, base, rows);
      let e: Float32Array;
      if (buckets.manyDistinct(bins)) {
        buckets.prepare(bits, base, rows, quantileRanks(m, bins));
        e = quantileEdges((r) => buckets.at(r), m, bins);
        buckets.codes(bits, base, rows, e, { codes, at, stride: 1, missing: MISSING_BIN });
      } else e = binColumnBySort(block, base, rows, bins, codes.subarray(at, at + rows));
      edges.push(e);
      nBins[f0 + k] = e.length + 1;
    }
  }
  return { codes, rows, cols, edges, nBins };
}

/** binMatrix's reference: every column's edges and codes from a full sort of its values. */
export function binMatrixBySort(X: Matrix, maxBins: number): BinnedData {
  const { rows, cols } = X;
  const columns = float32Columns(X);
  const codes = new Uint8Array(rows * cols);
  const edges: Float32Array[] = [];
  for (let f = 0; f < cols; f++) {
    const column = codes.subarray(f * rows, (f + 1) * rows);
    edges.push(binColumnBySort(columns, f * rows, rows, Math.min(maxBins, MISSING_BIN), column));
  }
  return { codes, rows, cols, edges, nBins: Int32Array.from(edges, (e) => e.length + 1) };
}

/** Edges of columns[base, base + rows) from its sorted values; writes its codes at codes[r]. */
function binColumnBySort(
  columns: Float32Array,
  base: number,
  rows: number,
  maxBins: number,
  codes: Uint8Array,
): Float32Array {
  const values = new Float32Array(rows);
  const rowOf = new Uint32Array(rows);
  let m = 0;
  for (let r = 0; r < rows; r++) {
    const v = columns[base + r];
    if (Number.isNaN(v)) codes[r] = MISSING_BIN;
    else {
      values[m] = v;
      rowOf[m++] = r;
    }
  }
  const order = sortedOrder(values.subarray(0, m));
  const sorted = new Float32Array(m);
  for (let i = 0; i < m; i++) sorted[i] = values[order[i]];
  const e = binEdges(sorted, maxBins);
  // Code = smallest b with v <= e[b] (else e.length): one walk up the sorted values.
  let b = 0;
  for (let i = 0; i < m; i++) {
    while (b < e.length && sorted[i] > e[b]) b++;
    codes[rowOf[order[i]]] = b;
  }
  return e;
}
