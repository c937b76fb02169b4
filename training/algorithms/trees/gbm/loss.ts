/**
 * Losses of histogram gradient boosting, over raw scores laid out per output:
 * `raw[k * n + r]`. Each fills gradients (and hessians, unless constant) from the scores.
 */
export interface Loss {
  /** Raw outputs per row: 1 (regression, binary) or the class count. */
  readonly outputs: number;
  /** Whether every hessian is 1 (squared error): `gradients` leaves hess alone, filled with 1 once. */
  readonly constantHessian: boolean;
  /** The initial raw score per output (sklearn's baseline prediction). */
  baseline(y: Float64Array): Float64Array;
  gradients(y: Float64Array, raw: Float64Array, grad: Float64Array, hess: Float64Array): void;
  /**
   * Single-output losses: the same gradients and hessians of rows [from, to) written side by
   * side (pairs[2r], pairs[2r + 1]), as the histogram kernel reads them, in one pass.
   */
  readonly pairs?: PairsFn;
}

/**
 * Self-contained (no outside names): a two-thread fit's worker runs its source text on its
 * share of the rows (see parallel.ts), so both threads compute the same values.
 */
export type PairsFn = (
  y: Float64Array,
  raw: Float64Array,
  pairs: Float64Array,
  from: number,
  to: number,
) => void;

export function squaredErrorPairs(
  y: Float64Array,
  raw: Float64Array,
  pairs: Float64Array,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) {
    pairs[2 * i] = raw[i] - y[i];
    pairs[2 * i + 1] = 1;
  }
}

export function logisticPairs(
  y: Float64Array,
  raw: Float64Array,
  pairs: Float64Array,
  from: number,
  to: number,
): void {
  for (let i = from; i < to; i++) {
    const p = 1 / (1 + Math.exp(-raw[i]));
    pairs[2 * i] = p - y[i];
    pairs[2 * i + 1] = p * (1 - p);
  }
}

export const squaredError: Loss = {
  outputs: 1,
  constantHessian: true,
  baseline(y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    return Float64Array.of(s / y.length);
  },
  gradients(y, raw, grad) {
    for (let i = 0; i < y.length; i++) grad[i] = raw[i] - y[i];
  },
  pairs: squaredErrorPairs,
};

const EPS = 1e-12;

export const binaryLogistic: Loss = {
  outputs: 1,
  constantHessian: false,
  baseline(y) {
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i];
    const p = Math.min(Math.max(s / y.length, EPS), 1 - EPS);
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(y, raw, grad, hess) {
    for (let i = 0; i < y.length; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]));
      grad[i] = p - y[i];
      hess[i] = p * (1 - p);
    }
  },
  pairs: logisticPairs,
};

/** Softmax cross-entropy; one tree per class per iteration. */
export function multinomial(nClasses: number): Loss {
  return {
    outputs: nClasses,
    constantHessian: false,
    baseline(y) {
      const counts = new Float64Array(nClasses);
      for (let i = 0; i < y.length; i++) counts[y[i]]++;
      const logs = counts.map((c) => Math.log(Math.max(c / y.length, EPS)));
      const mean = logs.reduce((a, b) => a + b, 0) / nClasses;
      return logs.map((l) => l - mean);
    },
    gradients(y, raw, grad, hess) {
      const n = y.length;
      for (let i = 0; i < n; i++) {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < nClasses; k++) max = Math.max(max, raw[k * n + i]);
        let total = 0;
        for (let k = 0; k < nClasses; k++) total += Math.exp(raw[k * n + i] - max);
        for (let k = 0; k < nClasses; k++) {
          const p = Math.exp(raw[k * n + i] - max) / total;
          grad[k * n + i] = p - (y[i] === k ? 1 : 0);
          hess[k * n + i] = Math.max(p * (1 - p), 1e-16);
        }
      }
    },
  };
}
