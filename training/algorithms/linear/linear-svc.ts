import { type LinearSvcParams, LinearSvcParamsSchema } from '../../../contracts/hyperparameters/kernel.js';
import { createRng, type Rng } from '../../../core/ml/random.js';
import { binaryAsTwoColumns, linearFitted } from '../kernel/linear-head.js';
import type { Algorithm, FitData, Matrix } from '../types.js';

/**
 * (With the squared hinge the dual has no upper bound, so only the lower bound shrinks.)
 * One binary L2-regularized squared-hinge SVM by dual coordinate descent with shrinking
 * (LIBLINEAR's solver 1, the default of scikit-learn's LinearSVC). The bias is a constant
 * feature of 1 (intercept_scaling = 1), penalized like the other weights, as LIBLINEAR does.
 * Returns [w (cols), b].
 */
export function dualCdSquaredHinge(
  X: Matrix,
  ypm: Int8Array,
  C: number,
  tol: number,
  maxIter: number,
  rng: Rng,
): Float64Array {
  const { rows: n, cols: f } = X;
  const w = new Float64Array(f + 1);
  const alpha = new Float64Array(n);
  const diag = 0.5 / C;
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 1 + diag;
    for (let j = 0; j < f; j++) s += X.data[i * f + j] ** 2;
    qd[i] = s;
  }
  const index = Int32Array.from({ length: n }, (_, i) => i);
  let active = n;
  let pgMaxOld = Number.POSITIVE_INFINITY;
  for (let iter = 0; iter < maxIter; iter++) {
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (let i = 0; i < active; i++) {
      const j = i + rng.int(active - i);
      [index[i], index[j]] = [index[j], index[i]];
    }
    for (let s = 0; s < active; s++) {
      const i = index[s];
      const yi = ypm[i];
      const row = i * f;
      let dot = w[f];
      for (let j = 0; j < f; j++) dot += w[j] * X.data[row + j];
      const G = yi * dot - 1 + diag * alpha[i];
      let pg = 0;
      if (alpha[i] === 0) {
        if (G > pgMaxOld) {
          // Shrink: this row stays at the bound; revisit it only at the final check.
          active--;
          [index[s], index[active]] = [index[active], index[s]];
          s--;
          continue;
        }
        if (G < 0) pg = G;
      } else pg = G;
      pgMax = Math.max(pgMax, pg);
      pgMin = Math.min(pgMin, pg);
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.max(old - G / qd[i], 0);
        const d = (alpha[i] - old) * yi;
        for (let j = 0; j < f; j++) w[j] += d * X.data[row + j];
        w[f] += d;
      }
    }
    if (pgMax - pgMin <= tol) {
      if (active === n) break;
      active = n;
      pgMaxOld = Number.POSITIVE_INFINITY;
      continue;
    }
    pgMaxOld = pgMax > 0 ? pgMax : Number.POSITIVE_INFINITY;
  }
  return w;
}

/**
 * One-vs-rest linear models for `data`'s classes from a binary trainer returning [w, b]:
 * one decision function for two classes, K of them (label = the largest) otherwise.
 */
export function oneVsRest(data: FitData, fitBinary: (ypm: Int8Array, k: number) => Float64Array) {
  const { X, y, nClasses: K } = data;
  const f = X.cols;
  if (K === 2) {
    const wb = fitBinary(
      Int8Array.from(y, (v) => (v === 1 ? 1 : -1)),
      1,
    );
    return binaryAsTwoColumns(wb.subarray(0, f), wb[f], f);
  }
  const W = new Float64Array(f * K);
  const b = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const wb = fitBinary(
      Int8Array.from(y, (v) => (v === k ? 1 : -1)),
      k,
    );
    for (let j = 0; j < f; j++) W[j * K + k] = wb[j];
    b[k] = wb[f];
  }
  return { W, b };
}

export const linearSvc: Algorithm<LinearSvcParams> = {
  name: 'linear_svc',
  tasks: ['classification'],
  description:
    'Linear SVM (squared hinge, L2, LIBLINEAR dual coordinate descent, one-vs-rest); probabilities are a softmax of the decision values, not calibrated',
  params: LinearSvcParamsSchema,
  scaling: 'standard',
  fit(data, p) {
    const seed = p.seed ?? data.seed;
    const { W, b } = oneVsRest(data, (ypm, k) =>
      dualCdSquaredHinge(data.X, ypm, p.C, p.tol, p.max_iter, createRng(seed + k)),
    );
    return linearFitted({ W, b, f: data.X.cols, c: W.length / data.X.cols, link: 'softmax' });
  },
};
