import * as z from 'zod';

/**
 * Drift monitoring contracts: the baseline profile written at evaluation time
 * (`models/{model}/versions/{version}/baseline.json`), the options of a drift evaluation, and the
 * report it produces (`drift/{endpoint}/{reportId}.json`). Test choice and thresholds follow
 * Evidently's defaults so numbers are comparable (see core/drift/stats/select-test.ts).
 */

const count = z.number().int().min(0);
const rate = z.number().min(0).max(1);

export const QuantileSchema = z.object({ q: rate, value: z.number() });

/**
 * A histogram on fixed cut points: `counts[i]` counts values in `(edges[i-1], edges[i]]`, with
 * `counts[0]` open to -Infinity and the last bin open to +Infinity (so `counts.length ===
 * edges.length + 1`). Edges are the reference's deciles, deduplicated.
 */
export const HistogramSchema = z
  .object({ edges: z.array(z.number()), counts: z.array(z.number().min(0)) })
  .refine((h) => h.counts.length === h.edges.length + 1, {
    message: 'counts must have one more entry than edges',
    path: ['counts'],
  });
export type Histogram = z.infer<typeof HistogramSchema>;

export const NumericProfileSchema = z.object({
  name: z.string().min(1),
  type: z.literal('numeric'),
  /** Non-missing values seen. */
  count,
  missing: count,
  missingRate: rate,
  /** Distinct non-missing values, counted up to `distinctCap` (then `distinctCapped` is true). */
  distinctCount: count,
  distinctCapped: z.boolean(),
  mean: z.number(),
  /** Population standard deviation (ddof=0, as numpy's default that Evidently uses). */
  std: z.number().min(0),
  min: z.number(),
  max: z.number(),
  quantiles: z.array(QuantileSchema),
  histogram: HistogramSchema,
  /** Exact value counts (key = String(value)) when the feature has at most 20 distinct values. */
  valueCounts: z.record(z.string(), count).optional(),
  /** Seeded uniform reservoir sample of the values; holds every value when `count <= size`. */
  sample: z.object({
    seed: z.number().int(),
    size: z.number().int().positive(),
    values: z.array(z.number()),
  }),
});
export type NumericProfile = z.infer<typeof NumericProfileSchema>;

export const CategoricalProfileSchema = z.object({
  name: z.string().min(1),
  type: z.literal('categorical'),
  count,
  missing: count,
  missingRate: rate,
  distinctCount: count,
  /** Category counts (not normalized: the chi-square test needs counts). */
  frequencies: z.record(z.string(), count),
  /** Values beyond the category cap, lumped together (0 when under the cap). */
  otherCount: count,
});
export type CategoricalProfile = z.infer<typeof CategoricalProfileSchema>;

export const FeatureProfileSchema = z.discriminatedUnion('type', [
  NumericProfileSchema,
  CategoricalProfileSchema,
]);
export type FeatureProfile = z.infer<typeof FeatureProfileSchema>;

/**
 * How a text feature is watched: its training vocabulary (for the out-of-vocabulary rate) and top
 * terms. The profile's `features` hold its descriptor columns (`{name} (words)`,
 * `{name} (out-of-vocabulary rate)`, `{name} (top term)`), tested like any other column.
 */
export const TextDescriptorSpecSchema = z.object({
  name: z.string().min(1),
  vocabulary: z.array(z.string()),
  topTerms: z.array(z.string()),
});
export type TextDescriptorSpec = z.infer<typeof TextDescriptorSpecSchema>;

export const DriftTaskSchema = z.enum(['classification', 'regression', 'clustering']);

export const BaselineProfileSchema = z.object({
  kind: z.literal('cirrus.baseline-profile'),
  schemaVersion: z.literal(1),
  task: DriftTaskSchema,
  /** Seed of every reservoir sample in this profile. */
  seed: z.number().int(),
  /** Reference rows (with or without missing values): picks the test family (<= 1000 vs above). */
  rowCount: count,
  features: z.array(FeatureProfileSchema).min(1),
  /** Text features, watched through descriptor columns in `features`. */
  text: z.array(TextDescriptorSpecSchema).optional(),
  /** Labels (classification, clustering) as a categorical profile; values (regression) as numeric. */
  prediction: FeatureProfileSchema,
  /** Flat test-set metrics, e.g. `{ accuracy: 0.93, f1: 0.92 }` or `{ rmse: 3.1, r2: 0.8 }`. */
  metrics: z.record(z.string(), z.number()),
  createdAt: z.iso.datetime().optional(),
});
export type BaselineProfile = z.infer<typeof BaselineProfileSchema>;

/** One logged prediction as the drift evaluation reads it (the prediction log's projection). */
export const LoggedRowSchema = z.object({
  features: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  prediction: z.union([z.number(), z.string(), z.null()]),
  actual: z.union([z.number(), z.string(), z.null()]).optional(),
});
export type LoggedRow = z.infer<typeof LoggedRowSchema>;

export const StatTestNameSchema = z.enum(['ks', 'wasserstein', 'chisquare', 'z', 'jensenshannon']);
export type StatTestName = z.infer<typeof StatTestNameSchema>;

/** Evidently's default thresholds: p-values below, distances at or above. */
export const DriftThresholdsSchema = z.object({
  ks: rate.default(0.05),
  chisquare: rate.default(0.05),
  z: rate.default(0.05),
  wasserstein: z.number().positive().default(0.1),
  jensenshannon: z.number().positive().default(0.1),
  psi: z.number().positive().default(0.1),
});
export type DriftThresholds = z.infer<typeof DriftThresholdsSchema>;

export const DriftOptionsSchema = z.object({
  windowHours: z
    .number()
    .positive()
    .max(24 * 366)
    .default(24),
  /** The dataset drifts when the share of drifted features reaches this. */
  driftShare: rate.default(0.5),
  thresholds: DriftThresholdsSchema.default(DriftThresholdsSchema.parse({})),
  /**
   * Fewer logged rows than this gives status `not_enough_data`. 30 is the usual floor for the
   * asymptotic p-values (KS, chi-square, z) to mean anything; also the floor for feedback rows.
   */
  minRows: z.number().int().min(1).default(30),
  /** Relative degradation that counts as performance drift: accuracy below baseline*(1-t), RMSE above baseline*(1+t). */
  performanceTolerance: z.number().min(0).default(0.1),
  /** Reservoir size per numeric feature for the current window (Wasserstein). */
  sampleSize: z.number().int().min(100).max(1_000_000).default(10_000),
  seed: z.number().int().default(0),
});
export type DriftOptions = z.infer<typeof DriftOptionsSchema>;
export type DriftOptionsInput = z.input<typeof DriftOptionsSchema>;

const sideSchema = z.object({ count, missingRate: rate });

/**
 * The bins PSI was computed on, both sides as counts: the reference's decile histogram (see
 * HistogramSchema: `edges`, one more count than edges), or value/category counts aligned on
 * their union (`labels`; `other` = values beyond the category cap). What a person compares.
 */
export const DistributionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('histogram'),
    edges: z.array(z.number()),
    reference: z.array(z.number().min(0)),
    current: z.array(z.number().min(0)),
  }),
  z.object({
    kind: z.literal('values'),
    labels: z.array(z.string()),
    reference: z.array(z.number().min(0)),
    current: z.array(z.number().min(0)),
  }),
]);
export type Distribution = z.infer<typeof DistributionSchema>;

export const FeatureDriftSchema = z.object({
  name: z.string().min(1),
  type: z.enum(['numeric', 'categorical']),
  test: StatTestNameSchema,
  /** KS D, chi-square, z, normalized Wasserstein or Jensen-Shannon distance. */
  statistic: z.number(),
  /** Present for the hypothesis tests (ks, chisquare, z). */
  pValue: z.number().min(0).max(1).nullable(),
  threshold: z.number(),
  /** p < threshold for tests with a p-value; statistic >= threshold for distances. */
  drifted: z.boolean(),
  psi: z.number().min(0),
  psiDrifted: z.boolean(),
  /**
   * The window holds no value of this feature (every row missing it): no test ran, statistic 0,
   * p-value null, and it counts as drifted when the reference had values, whatever the test.
   */
  allMissing: z.boolean().optional(),
  reference: sideSchema,
  current: sideSchema,
  /** Absent on reports written before it was kept, and when the window held no value. */
  distribution: DistributionSchema.optional(),
});
export type FeatureDrift = z.infer<typeof FeatureDriftSchema>;

export const PerformanceDriftSchema = z.object({
  metric: z.enum(['accuracy', 'rmse']),
  baseline: z.number(),
  /** Null when there are fewer feedback rows than `minRows`. */
  current: z.number().nullable(),
  /** Rows in the window that carry feedback. */
  rows: count,
  tolerance: z.number().min(0),
  drifted: z.boolean(),
});
export type PerformanceDrift = z.infer<typeof PerformanceDriftSchema>;

export const DriftStatusSchema = z.enum(['ok', 'not_enough_data', 'no_baseline']);

export const DriftWindowSchema = z.object({
  start: z.iso.datetime(),
  end: z.iso.datetime(),
  hours: z.number().positive(),
});
export type DriftWindow = z.infer<typeof DriftWindowSchema>;

export const DriftReportSchema = z.object({
  kind: z.literal('cirrus.drift-report'),
  schemaVersion: z.literal(1),
  endpoint: z.string().min(1),
  model: z.string().min(1),
  version: z.number().int().positive().nullable(),
  window: DriftWindowSchema,
  /** Set when the rows are a batch job's input (`drift run --batch-job`), not logged predictions. */
  batchJob: z
    .object({
      jobId: z.string(),
      input: z.string(),
      rowsRead: z.number().int().min(0),
      maxRows: z.number().int(),
    })
    .optional(),
  status: DriftStatusSchema,
  /** Human-readable reason for a non-ok status (names the minimum row count). */
  message: z.string().optional(),
  rows: count,
  minRows: z.number().int().min(1),
  features: z.array(FeatureDriftSchema),
  prediction: FeatureDriftSchema.nullable(),
  performance: PerformanceDriftSchema.nullable(),
  driftedFeatures: count,
  /** Share of features that drifted (0 when no feature was tested). */
  share: rate,
  driftShareThreshold: rate,
  /** Evidently's share rule (share >= driftShareThreshold), reported as Evidently does; not a trigger by itself. */
  datasetDrift: z.boolean(),
  /**
   * What starts retraining: some rule in `detectedBy` fired. Features and prediction are one
   * family held at alpha by Bonferroni (a test fires at p < threshold / signals); distances fire
   * at their threshold, an all-missing feature always; performance beyond its tolerance.
   */
  driftDetected: z.boolean(),
  /** The rule that decides `driftDetected`, in words (absent on reports stored before it). */
  rule: z.string().optional(),
  /** Each signal that fired, e.g. "feature 'income': ks p=0.0012 < 0.0167 (0.05 / 3 signals)". */
  detectedBy: z.array(z.string()).optional(),
});
export type DriftReport = z.infer<typeof DriftReportSchema>;

/** `drift/{endpoint}/{reportId}.json`: the report as stored, with its id and creation time. */
export const DriftReportDocumentSchema = DriftReportSchema.extend({
  reportId: z.string().min(1),
  createdAt: z.iso.datetime(),
});
export type DriftReportDocument = z.infer<typeof DriftReportDocumentSchema>;

/**
 * What happened to the `ModelDriftDetected` event: `none` (no drift), `published`,
 * `suppressed` (an event for the same version was published within the cooldown, so the same
 * rows do not start retraining again), `failed` (publishing threw).
 */
export const DriftEventStateSchema = z.enum(['none', 'published', 'suppressed', 'failed']);
export type DriftEventState = z.infer<typeof DriftEventStateSchema>;

/** One report in the endpoint's list (registry table, under the endpoint). */
export const DriftReportSummarySchema = z.object({
  reportId: z.string().min(1),
  endpoint: z.string().min(1),
  model: z.string().min(1),
  version: z.number().int().positive().nullable(),
  createdAt: z.iso.datetime(),
  window: DriftWindowSchema,
  status: DriftStatusSchema,
  message: z.string().optional(),
  rows: count,
  features: count,
  driftedFeatures: count,
  share: rate,
  datasetDrift: z.boolean(),
  predictionDrift: z.boolean(),
  performanceDrift: z.boolean(),
  driftDetected: z.boolean(),
  reportUri: z.string().startsWith('s3://'),
  event: DriftEventStateSchema,
});
export type DriftReportSummary = z.infer<typeof DriftReportSummarySchema>;

/** The full report as the API answers it: the stored document with where it lives and its event. */
export const StoredDriftReportSchema = DriftReportDocumentSchema.extend({
  reportUri: z.string().startsWith('s3://'),
  event: DriftEventStateSchema,
});
export type StoredDriftReport = z.infer<typeof StoredDriftReportSchema>;

/** `POST /v1/endpoints/{name}/drift`: evaluate now, over the last `windowHours` (default 24). */
export const DriftRunRequestSchema = z.strictObject({
  windowHours: z
    .number()
    .positive()
    .max(24 * 366)
    .optional(),
});
export type DriftRunRequest = z.infer<typeof DriftRunRequestSchema>;
