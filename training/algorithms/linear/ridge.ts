import { CholeskyDecomposition, Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import {
  type LinearRegressionParams,
  LinearRegressionParamsSchema,
  type RidgeParams,
  RidgeParamsSchema,
} from '../../../contracts/hyperparameters/linear.js';
import type { Algorithm, FitData, Matrix } from '../types.js';
import { columnMeans, linearModel } from './linear-model.js';

/** Targets as a [n, K] matrix: ±1 one-vs-all columns (classification) or the value (regression). */
export function targets(data: FitData): MlMatrix {
  const { y, nClasses } = data;
  if (data.task === 'regression') return MlMatrix.columnVector(Array.from(y));
  const T = new MlMatrix(y.length, nClasses).fill(-1);
  for (let i = 0; i < y.length; i++) T.set(i, y[i], 1);
  return T;
}

/** Centers X and T when fitting an intercept (the intercept is then not penalized). */
export function centered(X: Matrix, T: MlMatrix, fitIntercept: boolean) {
  const xMean = fitIntercept ? columnMeans(X) : new Float64Array(X.cols);
  const tMean = fitIntercept ? T.mean('column') : new Array<number>(T.columns).fill(0);
  const Xc = new MlMatrix(X.rows, X.cols);
  for (let i = 0; i < X.rows; i++)
    for (let d = 0; d < X.cols; d++) Xc.set(i, d, X.data[i * X.cols + d] - xMean[d]);
  const Tc = T.clone();
  for (let i = 0; i < T.rows; i++) for (let k = 0; k < T.columns; k++) Tc.set(i, k, T.get(i, k) - tMean[k]);
  return { Xc, Tc, xMean, tMean };
}

/** Packs W ([D, K]) and the intercept b = t̄ - x̄·W. */
export function pack(W: MlMatrix, xMean: Float64Array, tMean: number[]) {
  const K = W.columns;
  const w = Float64Array.from(W.to1DArray());
  const b = Float64Array.from(tMean, (t, k) => {
    let s = t;
    for (let d = 0; d < W.rows; d++) s -= xMean[d] * w[d * K + k];
    return s;
  });
  return { w, b, K };
}

export function solveRidge(Xc: MlMatrix, Tc: MlMatrix, alpha: number): MlMatrix {
  const A = Xc.transpose().mmul(Xc);
  for (let d = 0; d < A.rows; d++) A.set(d, d, A.get(d, d) + alpha);
  const B = Xc.transpose().mmul(Tc);
  const chol = new CholeskyDecomposition(A);
  // alpha 0 with collinear columns: fall back to the minimum-norm least-squares solution.
  if (alpha > 0 && chol.isPositiveDefinite()) return chol.solve(B);
  return new SingularValueDecomposition(Xc, { autoTranspose: true }).solve(Tc);
}

function fitRidge(data: FitData, p: RidgeParams) {
  const { Xc, Tc, xMean, tMean } = centered(data.X, targets(data), p.fit_intercept);
  const { w, b, K } = pack(solveRidge(Xc, Tc, p.alpha), xMean, tMean);
  return linearModel(w, b, K, data.task === 'classification' ? 'softmax' : 'identity');
}

function fitLeastSquares(data: FitData, p: LinearRegressionParams) {
  const { Xc, Tc, xMean, tMean } = centered(data.X, targets(data), p.fit_intercept);
  // SVD gives the minimum-norm solution when columns are collinear (e.g. one-hot + intercept).
  const W = new SingularValueDecomposition(Xc, { autoTranspose: true }).solve(Tc);
  const { w, b } = pack(W, xMean, tMean);
  return linearModel(w, b, 1, 'identity');
}

export const ridge: Algorithm<RidgeParams> = {
  name: 'ridge',
  tasks: ['classification', 'regression'],
  description:
    'Ridge least squares, standardized features; classification fits one-vs-all on ±1 targets, probabilities are the softmax of the decision values',
  params: RidgeParamsSchema,
  scaling: 'standard',
  fit: fitRidge,
};

export const linearRegression: Algorithm<LinearRegressionParams> = {
  name: 'linear_regression',
  tasks: ['regression'],
  description: 'Ordinary least squares (minimum-norm solution via SVD)',
  params: LinearRegressionParamsSchema,
  scaling: 'none',
  fit: fitLeastSquares,
};
