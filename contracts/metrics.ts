import * as z from 'zod';

export const ClassificationMetricsSchema = z.object({
  task: z.literal('classification'),
  n: z.number().int().min(0),
  accuracy: z.number(),
  balancedAccuracy: z.number(),
  /** Weighted by class support, as scikit-learn's `average='weighted'`. */
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  logLoss: z.number(),
  /** Binary tasks only (positive class = the second class). */
  rocAuc: z.number().optional(),
  /** Rows = true class, columns = predicted class, in the contract's class order. */
  confusionMatrix: z.array(z.array(z.number().int())),
  classes: z.array(z.string()),
  /** The promotion score: accuracy. */
  score: z.number(),
});
export type ClassificationMetrics = z.infer<typeof ClassificationMetricsSchema>;

export const RegressionMetricsSchema = z.object({
  task: z.literal('regression'),
  n: z.number().int().min(0),
  r2: z.number(),
  rmse: z.number(),
  mae: z.number(),
  /** The promotion score: R2. */
  score: z.number(),
});
export type RegressionMetrics = z.infer<typeof RegressionMetricsSchema>;

export const ClusteringMetricsSchema = z.object({
  task: z.literal('clustering'),
  n: z.number().int().min(0),
  /** Sum of squared distances of the rows to their cluster's centre. */
  inertia: z.number(),
  /** Mean silhouette coefficient in [-1, 1] (Euclidean, on the model's input features). */
  silhouette: z.number(),
  /** Rows per cluster, by cluster id. */
  sizes: z.array(z.number().int()),
  /** The promotion score: silhouette. */
  score: z.number(),
});
export type ClusteringMetrics = z.infer<typeof ClusteringMetricsSchema>;

export const MetricsSchema = z.discriminatedUnion('task', [
  ClassificationMetricsSchema,
  RegressionMetricsSchema,
  ClusteringMetricsSchema,
]);
export type Metrics = z.infer<typeof MetricsSchema>;

/** Every candidate a tuning run cross-validated, and the one it kept. */
export const TuningResultSchema = z.object({
  strategy: z.enum(['grid', 'random']),
  folds: z.number().int(),
  /** The cross-validation score: accuracy / R2 (mean over folds); silhouette for clustering. */
  metric: z.string(),
  candidates: z.array(
    z.object({
      hyperparameters: z.record(z.string(), z.unknown()),
      score: z.number(),
      std: z.number(),
    }),
  ),
  /** Index of the chosen candidate (highest score; the first one on ties). */
  best: z.number().int().min(0),
  /** The chosen hyperparameters after defaults (what the final model was trained with). */
  chosen: z.record(z.string(), z.unknown()),
});
export type TuningResult = z.infer<typeof TuningResultSchema>;

/** metrics.json beside the model. */
export const MetricsFileSchema = z.object({
  kind: z.literal('cirrus.metrics'),
  schemaVersion: z.literal(1),
  /** Which rows `metrics` was computed on: the test channel when there was one. */
  evaluatedOn: z.enum(['test', 'train']),
  score: z.number(),
  metrics: MetricsSchema,
  /** Metrics on the training rows (always present; equal to `metrics` without a test channel). */
  training: MetricsSchema,
  /** Present when the request carried a search space instead of fixed hyperparameters. */
  tuning: TuningResultSchema.optional(),
});
export type MetricsFile = z.infer<typeof MetricsFileSchema>;
