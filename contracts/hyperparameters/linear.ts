import type { z } from 'zod';
import { bool, choice, int, num, params, positive } from './fields.js';
import type { AlgorithmSpec } from './types.js';

/** Logistic regression, L2-penalized (scikit-learn's lbfgs defaults). */
export const LogisticRegressionParamsSchema = params({
  /** Inverse regularization strength: smaller means stronger L2 penalty. */
  C: positive(1.0),
  max_iter: int(100, 1, 10_000),
  /** Stop when the largest gradient component falls below this. */
  tol: positive(1e-4, 1),
  fit_intercept: bool(true),
});
export type LogisticRegressionParams = z.infer<typeof LogisticRegressionParamsSchema>;

/** Ridge (L2 least squares); `alpha` 0 is ordinary least squares. */
export const RidgeParamsSchema = params({
  alpha: num(1.0, 0, 1e12),
  fit_intercept: bool(true),
});
export type RidgeParams = z.infer<typeof RidgeParamsSchema>;

export const LinearRegressionParamsSchema = params({
  fit_intercept: bool(true),
});
export type LinearRegressionParams = z.infer<typeof LinearRegressionParamsSchema>;

/** Baselines: classification `prior` | `most_frequent`, regression `mean` | `median`. */
export const DummyParamsSchema = params({
  strategy: choice('auto', ['auto', 'prior', 'most_frequent', 'mean', 'median'] as const),
});
export type DummyParams = z.infer<typeof DummyParamsSchema>;

/** Hyperparameter schemas of the linear algorithms. */
export const LINEAR_ALGORITHMS: readonly AlgorithmSpec[] = [
  {
    name: 'logistic_regression',
    tasks: ['classification'],
    description: 'Multinomial logistic regression with L2 penalty (L-BFGS), standardized features',
    params: LogisticRegressionParamsSchema,
  },
  {
    name: 'ridge',
    tasks: ['classification', 'regression'],
    description:
      'Ridge least squares, standardized features; classification fits one-vs-all on ±1 targets, probabilities are the softmax of the decision values',
    params: RidgeParamsSchema,
  },
  {
    name: 'linear_regression',
    tasks: ['regression'],
    description: 'Ordinary least squares (minimum-norm solution via SVD)',
    params: LinearRegressionParamsSchema,
  },
  {
    name: 'dummy',
    tasks: ['classification', 'regression'],
    description: 'Baseline that ignores the features: class prior / most frequent class, or mean / median',
    params: DummyParamsSchema,
  },
];
