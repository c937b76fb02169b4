import { BIN_SLOTS, type BinnedData, MISSING_BIN } from './binning.js';

/** Per feature, per bin: [sum gradient, sum hessian, count], flat: `((f * 256) + bin) * 3`. */
export type Histogram = Float64Array;

export const STRIDE = 3;

/** Gradients and hessians of the rows being boosted, indexed by row (hessians 1 for squared error). */
export interface GradientView {
  readonly grad: Float64Array;
  readonly hess: Float64Array;
}

const SLOT = BIN_SLOTS * STRIDE;

/** Bytes of one histogram over `cols` features. */
export const HISTOGRAM_BYTES = (cols: number): number => cols * SLOT * 8;

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

/** Zeroes every slot of features [f0, f1) (as the worker does: see parallel.ts). */
export function clearFeatures(hist: Histogram, f0: number, f1: number): void {
  hist.fill(0, f0 * SLOT, f1 * SLOT);
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
