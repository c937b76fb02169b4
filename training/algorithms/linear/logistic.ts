import {
  type LogisticRegressionParams,
  LogisticRegressionParamsSchema,
} from '../../../contracts/hyperparameters/linear.js';
import type { Algorithm, FitData, Matrix } from '../types.js';
import { lbfgs } from './lbfgs.js';
import { linearModel } from './linear-model.js';

/**
 * Mean multinomial cross-entropy + L2 / (2·C·n) on W (not on b), with its gradient; the
 * same scaling as scikit-learn 1.2's lbfgs path, so `tol` means the same thing.
 * Parameters are packed as [W (D·K, row-major), b (K)].
 */
function multinomialObjective(X: Matrix, y: Float64Array, K: number, p: LogisticRegressionParams) {
  const { rows: n, cols: D } = X;
  // Two classes: the softmax optimum is symmetric (w1 = -w0 = w/2), so doubling the penalty
  // gives exactly the binomial model with ||w||² / (2·C·n), as scikit-learn fits binary tasks.
  const l2 = (K === 2 ? 2 : 1) / (p.C * n);
  const z = new Float64Array(K);
  return (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = i * D;
      for (let k = 0; k < K; k++) z[k] = p.fit_intercept ? w[D * K + k] : 0;
      for (let d = 0; d < D; d++) {
        const x = X.data[row + d];
        if (x !== 0) for (let k = 0; k < K; k++) z[k] += x * w[d * K + k];
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) max = Math.max(max, z[k]);
      let sum = 0;
      for (let k = 0; k < K; k++) {
        z[k] = Math.exp(z[k] - max);
        sum += z[k];
      }
      const yi = y[i];
      loss -= Math.log(z[yi] / sum);
      for (let k = 0; k < K; k++) {
        const r = (z[k] / sum - (k === yi ? 1 : 0)) / n;
        if (p.fit_intercept) grad[D * K + k] += r;
        z[k] = r;
      }
      for (let d = 0; d < D; d++) {
        const x = X.data[row + d];
        if (x !== 0) for (let k = 0; k < K; k++) grad[d * K + k] += x * z[k];
      }
    }
    let reg = 0;
    for (let j = 0; j < D * K; j++) {
      reg += w[j] * w[j];
      grad[j] += l2 * w[j];
    }
    return loss / n + 0.5 * l2 * reg;
  };
}

function fitLogistic(data: FitData, p: LogisticRegressionParams) {
  const { X, y, nClasses: K } = data;
  const D = X.cols;
  const objective = multinomialObjective(X, y, K, p);
  const { w } = lbfgs(objective, new Float64Array(D * K + K), { maxIter: p.max_iter, gtol: p.tol });
  return linearModel(w.subarray(0, D * K), w.subarray(D * K), K, 'softmax');
}

export const logisticRegression: Algorithm<LogisticRegressionParams> = {
  name: 'logistic_regression',
  tasks: ['classification'],
  description: 'Multinomial logistic regression with L2 penalty (L-BFGS), standardized features',
  params: LogisticRegressionParamsSchema,
  scaling: 'standard',
  fit: fitLogistic,
};
