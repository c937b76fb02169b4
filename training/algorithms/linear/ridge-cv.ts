import { CholeskyDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { type RidgeCvParams, RidgeCvParamsSchema } from '../../../contracts/hyperparameters/neighbors.js';
import type { Algorithm, FitData } from '../types.js';
import { linearModel } from './linear-model.js';
import { centered, pack, solveRidge, targets } from './ridge.js';

/**
 * Sum of squared leave-one-out residuals of ridge with penalty `alpha` on centred data, over
 * every target column. The hat matrix of ridge with an unpenalized intercept is
 * 11ᵀ/n + Xc (XcᵀXc + αI)⁻¹ Xcᵀ, and the LOO residual of row i is e_i / (1 - h_ii)
 * (scikit-learn's RidgeCV / RidgeClassifierCV "efficient leave-one-out").
 */
export function looError(Xc: MlMatrix, Tc: MlMatrix, alpha: number, intercept: boolean): number {
  const n = Xc.rows;
  const A = Xc.transpose().mmul(Xc);
  for (let d = 0; d < A.rows; d++) A.set(d, d, A.get(d, d) + alpha);
  const chol = new CholeskyDecomposition(A);
  const W = chol.solve(Xc.transpose().mmul(Tc));
  const Ainv = chol.solve(MlMatrix.eye(A.rows));
  const fitted = Xc.mmul(W);
  const XA = Xc.mmul(Ainv);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let h = intercept ? 1 / n : 0;
    for (let d = 0; d < Xc.columns; d++) h += XA.get(i, d) * Xc.get(i, d);
    const denom = 1 - h;
    for (let k = 0; k < Tc.columns; k++) total += ((Tc.get(i, k) - fitted.get(i, k)) / denom) ** 2;
  }
  return total;
}

/** The alpha with the smallest leave-one-out error (the first one on ties, as scikit-learn). */
export function chooseAlpha(data: FitData, alphas: readonly number[]): { alpha: number; errors: number[] } {
  const { Xc, Tc } = centered(data.X, targets(data), true);
  const errors = alphas.map((a) => looError(Xc, Tc, a, true));
  let best = 0;
  for (let i = 1; i < alphas.length; i++) if (errors[i] < errors[best]) best = i;
  return { alpha: alphas[best], errors };
}

function fitRidgeCv(data: FitData, p: RidgeCvParams) {
  const { alpha } = chooseAlpha(data, p.alphas);
  const { Xc, Tc, xMean, tMean } = centered(data.X, targets(data), true);
  const { w, b, K } = pack(solveRidge(Xc, Tc, alpha), xMean, tMean);
  return linearModel(w, b, K, data.task === 'classification' ? 'softmax' : 'identity');
}

export const ridgeCv: Algorithm<RidgeCvParams> = {
  name: 'ridge_cv',
  tasks: ['classification', 'regression'],
  description:
    'Ridge with alpha chosen by efficient leave-one-out among `alphas` (default 0.1, 1, 10); classification on ±1 one-vs-all targets',
  params: RidgeCvParamsSchema,
  scaling: 'standard',
  fit: fitRidgeCv,
};
