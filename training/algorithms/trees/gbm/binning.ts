import type { Matrix } from '../../types.js';

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

/** Bin edges of one feature's sorted non-missing float32 values (sklearn's rule). */
export function binEdges(sorted: Float32Array, maxBins: number): Float32Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  const edges: number[] = [];
  if (distinct.length <= maxBins) {
    for (let i = 0; i + 1 < distinct.length; i++) edges.push(between(distinct[i], distinct[i + 1]));
    return Float32Array.from(edges);
  }
  // Quantiles at q / maxBins with numpy's 'midpoint' interpolation, deduplicated.
  const n = sorted.length;
  for (let q = 1; q < maxBins; q++) {
    const pos = (q / maxBins) * (n - 1);
    const lo = sorted[Math.floor(pos)];
    const hi = sorted[Math.ceil(pos)];
    const e = lo === hi ? lo : between(lo, hi);
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  // A last edge at the maximum would leave the top bin empty.
  if (edges.length > 0 && edges[edges.length - 1] >= sorted[n - 1]) edges.pop();
  return Float32Array.from(edges);
}

/** Code of float32 value v given edges: smallest b with v <= edges[b], else edges.length. */
function code(edges: Float32Array, v: number): number {
  if (Number.isNaN(v)) return MISSING_BIN;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Bins every feature of a row-major matrix to at most `maxBins` (<= 255) value bins. */
export function binMatrix(X: Matrix, maxBins: number): BinnedData {
  const { rows, cols } = X;
  const codes = new Uint8Array(rows * cols);
  const edges: Float32Array[] = [];
  const nBins = new Int32Array(cols);
  const column = new Float32Array(rows);
  for (let f = 0; f < cols; f++) {
    let m = 0;
    for (let r = 0; r < rows; r++) {
      const v = Math.fround(X.data[r * cols + f]);
      if (!Number.isNaN(v)) column[m++] = v;
    }
    const sorted = column.subarray(0, m).sort();
    const e = binEdges(sorted, Math.min(maxBins, MISSING_BIN));
    edges.push(e);
    nBins[f] = e.length + 1;
    const base = f * rows;
    for (let r = 0; r < rows; r++) codes[base + r] = code(e, Math.fround(X.data[r * cols + f]));
  }
  return { codes, rows, cols, edges, nBins };
}
