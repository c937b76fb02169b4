import type { Matrix } from '../../types.js';
import { columnBinner } from './column-binner.js';

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

/** What bins a matrix into given codes (binMatrix's signature), e.g. on two threads. */
export interface MatrixBinner {
  binMatrix(X: Matrix, maxBins: number, codes: Uint8Array): BinnedData;
}

/** Columns binMatrix reads from the row-major matrix per pass (see `columnBlock`). */
export const BLOCK_COLUMNS = 8;

/**
 * Features [f0, f0 + w) of a row-major matrix as float32 columns (column k at at + k * rows):
 * one strided pass over X per block of columns.
 */
export function columnBlock(X: Matrix, f0: number, w: number, block: Float32Array, at: number): void {
  const { rows, cols, data } = X;
  for (let r = 0, i = f0; r < rows; r++, i += cols)
    for (let k = 0; k < w; k++) block[at + k * rows + r] = data[i + k];
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
  // A reused block of columns, not a transposed copy of the whole matrix: its fresh pages
  // cost more than the copy itself.
  const block = new Float32Array(rows * Math.min(cols, BLOCK_COLUMNS));
  const { bin } = columnBinner(rows);
  const edges: Float32Array[] = [];
  for (let f0 = 0; f0 < cols; f0 += BLOCK_COLUMNS) {
    const w = Math.min(BLOCK_COLUMNS, cols - f0);
    columnBlock(X, f0, w, block, 0);
    for (let k = 0; k < w; k++)
      edges.push(bin(block, k * rows, Math.min(maxBins, MISSING_BIN), codes, (f0 + k) * rows));
  }
  const nBins = Int32Array.from(edges, (e) => e.length + 1);
  return { codes, rows, cols, edges, nBins };
}

/** binMatrix's reference: every column's edges and codes from a full sort of its values. */
export function binMatrixBySort(X: Matrix, maxBins: number): BinnedData {
  const { rows, cols } = X;
  const columns = new Float32Array(rows * cols);
  columnBlock(X, 0, cols, columns, 0);
  const codes = new Uint8Array(rows * cols);
  const { bySort } = columnBinner(rows);
  const edges: Float32Array[] = [];
  for (let f = 0; f < cols; f++)
    edges.push(bySort(columns, f * rows, Math.min(maxBins, MISSING_BIN), codes, f * rows));
  return { codes, rows, cols, edges, nBins: Int32Array.from(edges, (e) => e.length + 1) };
}
