import { BIN_SLOTS, type BinnedData, MISSING_BIN } from './binning.js';
import { type Histogram, STRIDE } from './histogram.js';

export interface SplitInfo {
  feature: number;
  /** Rows with code <= bin go left (bin = nBins - 1 with missing right splits off the missing rows). */
  bin: number;
  missingLeft: boolean;
  gain: number;
  gLeft: number;
  hLeft: number;
  nLeft: number;
}

export interface SplitRules {
  readonly minSamplesLeaf: number;
  readonly l2: number;
  readonly minHessian: number;
}

/**
 * The best split of a node over every feature: each threshold bin is tried with the missing
 * rows sent right and, when the node has any, sent left; the larger gain wins.
 */
export function findSplit(
  hist: Histogram,
  data: BinnedData,
  G: number,
  H: number,
  N: number,
  rules: SplitRules,
): SplitInfo | null {
  const { minSamplesLeaf: minLeaf, l2, minHessian } = rules;
  const parent = (G * G) / (H + l2);
  let best: SplitInfo | null = null;
  let bestGain = 0;
  for (let f = 0; f < data.cols; f++) {
    const base = f * BIN_SLOTS * STRIDE;
    const mo = base + MISSING_BIN * STRIDE;
    const gm = hist[mo];
    const hm = hist[mo + 1];
    const cm = hist[mo + 2];
    const last = data.nBins[f] - 1;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b <= last; b++) {
      const o = base + b * STRIDE;
      gl += hist[o];
      hl += hist[o + 1];
      cl += hist[o + 2];
      // Missing right (at b = last: non-missing left, missing right; only if any are missing).
      if (b < last || cm > 0) {
        const cr = N - cl;
        const hr = H - hl;
        if (cl >= minLeaf && cr >= minLeaf && hl >= minHessian && hr >= minHessian) {
          const gr = G - gl;
          const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            best = {
              feature: f,
              bin: b,
              missingLeft: cm === 0 && cl >= cr,
              gain,
              gLeft: gl,
              hLeft: hl,
              nLeft: cl,
            };
          }
        }
      }
      if (cm > 0 && b < last) {
        const gL = gl + gm;
        const hL = hl + hm;
        const cL = cl + cm;
        const cr = N - cL;
        const hr = H - hL;
        if (cL >= minLeaf && cr >= minLeaf && hL >= minHessian && hr >= minHessian) {
          const gr = G - gL;
          const gain = (gL * gL) / (hL + l2) + (gr * gr) / (hr + l2) - parent;
          if (gain > bestGain) {
            bestGain = gain;
            best = { feature: f, bin: b, missingLeft: true, gain, gLeft: gL, hLeft: hL, nLeft: cL };
          }
        }
      }
    }
  }
  return best;
}
