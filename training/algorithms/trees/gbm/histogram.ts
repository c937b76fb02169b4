import { BIN_SLOTS, type BinnedData, MISSING_BIN } from './binning.js';

/** Per feature, per bin: [sum gradient, sum hessian, count], flat: `((f * 256) + bin) * 3`. */
export type Histogram = Float64Array;

export const STRIDE = 3;

export function newHistogram(cols: number): Histogram {
  return new Float64Array(cols * BIN_SLOTS * STRIDE);
}

/** Gradients of the rows being boosted; `hess` null means every hessian is 1 (squared error). */
export interface GradientView {
  readonly grad: Float64Array;
  readonly hess: Float64Array | null;
}

const SLOT = BIN_SLOTS * STRIDE;

/** Four features per pass over the rows: the row index and gradient loads are shared. */
function accumulate4(
  hist: Histogram,
  codes: Uint8Array,
  n: number,
  f: number,
  rows: Uint32Array,
  start: number,
  m: number,
  og: Float64Array,
  oh: Float64Array,
): void {
  const c0 = f * n;
  const c1 = c0 + n;
  const c2 = c1 + n;
  const c3 = c2 + n;
  const h0 = f * SLOT;
  for (let i = 0; i < m; i++) {
    const r = rows[start + i];
    const g = og[i];
    const h = oh[i];
    let o = h0 + codes[c0 + r] * STRIDE;
    hist[o] += g;
    hist[o + 1] += h;
    hist[o + 2] += 1;
    o = h0 + SLOT + codes[c1 + r] * STRIDE;
    hist[o] += g;
    hist[o + 1] += h;
    hist[o + 2] += 1;
    o = h0 + 2 * SLOT + codes[c2 + r] * STRIDE;
    hist[o] += g;
    hist[o + 1] += h;
    hist[o + 2] += 1;
    o = h0 + 3 * SLOT + codes[c3 + r] * STRIDE;
    hist[o] += g;
    hist[o + 1] += h;
    hist[o + 2] += 1;
  }
}

function accumulate1(
  hist: Histogram,
  codes: Uint8Array,
  n: number,
  f: number,
  rows: Uint32Array,
  start: number,
  m: number,
  og: Float64Array,
  oh: Float64Array,
): void {
  const c0 = f * n;
  const h0 = f * SLOT;
  for (let i = 0; i < m; i++) {
    const o = h0 + codes[c0 + rows[start + i]] * STRIDE;
    hist[o] += og[i];
    hist[o + 1] += oh[i];
    hist[o + 2] += 1;
  }
}

/** Sums features [f0, f1) of rows[start, start + m) into `hist` (gradients already gathered). */
export function accumulateRange(
  hist: Histogram,
  data: BinnedData,
  rows: Uint32Array,
  start: number,
  m: number,
  og: Float64Array,
  oh: Float64Array,
  f0: number,
  f1: number,
): void {
  const { codes, rows: n } = data;
  let f = f0;
  for (; f + 4 <= f1; f += 4) accumulate4(hist, codes, n, f, rows, start, m, og, oh);
  for (; f < f1; f++) accumulate1(hist, codes, n, f, rows, start, m, og, oh);
}

/**
 * Gathers rows[start, end)'s gradients into row order (`og`, `oh`) so the histogram loops read
 * them sequentially, and zeroes `hist`. With constant hessians `oh` is all ones, so the
 * hessian sum is the count.
 */
export function prepareHistogram(
  hist: Histogram,
  data: BinnedData,
  gv: GradientView,
  rows: Uint32Array,
  start: number,
  end: number,
  og: Float64Array,
  oh: Float64Array,
): void {
  clearHistogram(hist, data);
  const m = end - start;
  const { grad, hess } = gv;
  for (let i = 0; i < m; i++) og[i] = grad[rows[start + i]];
  if (hess) for (let i = 0; i < m; i++) oh[i] = hess[rows[start + i]];
  else oh.fill(1, 0, m);
}

/** Sums gradients, hessians and counts per bin over rows[start, end), on this thread. */
export function buildHistogram(
  hist: Histogram,
  data: BinnedData,
  gv: GradientView,
  rows: Uint32Array,
  start: number,
  end: number,
  og: Float64Array,
  oh: Float64Array,
): void {
  prepareHistogram(hist, data, gv, rows, start, end, og, oh);
  accumulateRange(hist, data, rows, start, end - start, og, oh, 0, data.cols);
}

/**
 * Zeroes the slots a histogram uses: bins 0 .. nBins-1 and the missing bin of each feature
 * (no code ever lands elsewhere, so the other slots stay zero from allocation).
 */
export function clearHistogram(hist: Histogram, data: BinnedData): void {
  for (let f = 0; f < data.cols; f++) {
    const base = f * SLOT;
    hist.fill(0, base, base + data.nBins[f] * STRIDE);
    hist.fill(0, base + MISSING_BIN * STRIDE, base + SLOT);
  }
}

/** `parent -= child` over the used slots: the sibling's histogram without touching its rows. */
export function subtractInto(parent: Histogram, child: Histogram, data: BinnedData): void {
  for (let f = 0; f < data.cols; f++) {
    const base = f * SLOT;
    const end = base + data.nBins[f] * STRIDE;
    for (let i = base; i < end; i++) parent[i] -= child[i];
    for (let i = base + MISSING_BIN * STRIDE; i < base + SLOT; i++) parent[i] -= child[i];
  }
}

/** Node totals from any one feature's histogram. */
export function totals(hist: Histogram): [number, number, number] {
  let g = 0;
  let h = 0;
  let c = 0;
  for (let b = 0; b < BIN_SLOTS; b++) {
    g += hist[b * STRIDE];
    h += hist[b * STRIDE + 1];
    c += hist[b * STRIDE + 2];
  }
  return [g, h, c];
}
