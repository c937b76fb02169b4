import * as z from 'zod';
import { choice, int, num, params, positive, seed } from './fields.js';
import type { AlgorithmSpec } from './types.js';

export const KnnParamsSchema = params({
  n_neighbors: int(5, 1, 10_000),
  weights: choice('uniform', ['uniform', 'distance']),
});
export type KnnParams = z.infer<typeof KnnParamsSchema>;

export const NaiveBayesParamsSchema = params({ var_smoothing: num(1e-9, 0, 1) });
export type NaiveBayesParams = z.infer<typeof NaiveBayesParamsSchema>;

export const KmeansParamsSchema = params({
  n_clusters: int(8, 1, 10_000),
  n_init: int(10, 1, 1000),
  max_iter: int(300, 1, 100_000),
  tol: num(1e-4, 0, 1),
  seed: seed(),
});
export type KmeansParams = z.infer<typeof KmeansParamsSchema>;

const cdFields = { max_iter: int(1000, 1, 1_000_000), tol: positive(1e-4, 1) };

export const LassoParamsSchema = params({ alpha: num(1.0, 0, 1e12), ...cdFields });
export type LassoParams = z.infer<typeof LassoParamsSchema>;

export const ElasticNetParamsSchema = params({
  alpha: num(1.0, 0, 1e12),
  l1_ratio: num(0.5, 0, 1),
  ...cdFields,
});
export type ElasticNetParams = z.infer<typeof ElasticNetParamsSchema>;

const pathFields = { n_alphas: int(100, 2, 1000), eps: positive(1e-3, 1), cv: int(5, 2, 50), ...cdFields };

export const LassoCvParamsSchema = params(pathFields);
export type LassoCvParams = z.infer<typeof LassoCvParamsSchema>;

export const ElasticNetCvParamsSchema = params({ l1_ratio: num(0.5, 0.001, 1), ...pathFields });
export type ElasticNetCvParams = z.infer<typeof ElasticNetCvParamsSchema>;

export const RidgeCvParamsSchema = params({
  alphas: z
    .union([
      z.array(z.number().positive()).min(1).max(100),
      z
        .string()
        .regex(/^[\d.eE+-]+(,[\d.eE+-]+)*$/, 'must be comma-separated numbers')
        .transform((s) => s.split(',').map(Number)),
    ])
    .default([0.1, 1, 10])
    .pipe(z.array(z.number().positive('every alpha must be > 0')).min(1)),
});
export type RidgeCvParams = z.infer<typeof RidgeCvParamsSchema>;

export const NEIGHBORS_ALGORITHMS: readonly AlgorithmSpec[] = [
  {
    name: 'knn',
    tasks: ['classification', 'regression'],
    description: 'k-nearest neighbours (brute force, Euclidean, uniform or distance weights)',
    params: KnnParamsSchema,
  },
  {
    name: 'naive_bayes',
    tasks: ['classification'],
    description: 'Gaussian naive Bayes with variance smoothing',
    params: NaiveBayesParamsSchema,
  },
  {
    name: 'kmeans',
    tasks: ['clustering'],
    description:
      'k-means (k-means++ init, best of n_init restarts, Lloyd iterations); cluster id and distances to each centroid',
    params: KmeansParamsSchema,
  },
  {
    name: 'ridge_cv',
    tasks: ['classification', 'regression'],
    description:
      'Ridge with alpha chosen by efficient leave-one-out among `alphas` (default 0.1, 1, 10); classification on ±1 one-vs-all targets',
    params: RidgeCvParamsSchema,
  },
  {
    name: 'lasso',
    tasks: ['regression'],
    description: 'L1-regularized linear regression (coordinate descent, scikit-learn objective)',
    params: LassoParamsSchema,
  },
  {
    name: 'elastic_net',
    tasks: ['regression'],
    description: 'L1+L2-regularized linear regression (coordinate descent, scikit-learn objective)',
    params: ElasticNetParamsSchema,
  },
  {
    name: 'lasso_cv',
    tasks: ['regression'],
    description: 'Lasso with alpha chosen by k-fold cross-validation along a regularization path',
    params: LassoCvParamsSchema,
  },
  {
    name: 'elastic_net_cv',
    tasks: ['regression'],
    description: 'Elastic net with alpha chosen by k-fold cross-validation along a regularization path',
    params: ElasticNetCvParamsSchema,
  },
];
