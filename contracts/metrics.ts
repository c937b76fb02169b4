import { z } from 'zod';

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

export const MetricsSchema = z.discriminatedUnion('task', [
  ClassificationMetricsSchema,
  RegressionMetricsSchema,
]);
export type Metrics = z.infer<typeof MetricsSchema>;

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
});
export type MetricsFile = z.infer<typeof MetricsFileSchema>;
