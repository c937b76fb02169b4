import * as z from 'zod';

/**
 * Serving contracts: predict request/response, traffic config, feedback, A/B tests and the
 * prediction log record. Feature values stay `unknown` here on purpose: their types are only
 * known from the model contract, and `core/ml/onnx-io.ts` checks them with field paths such as
 * `instances[3].sepal_length` that zod's dotted paths cannot give. The predict body's rows
 * (predict-body.ts) and the endpoint with its traffic (endpoint.ts) have files of their own, which
 * the predict function imports alone; they are re-exported here.
 */
import { TrafficConfigSchema } from './endpoint.js';
import { FeatureRowSchema, PredictFormatSchemas } from './predict-body.js';

export * from './endpoint.js';
export * from './predict-body.js';

/**
 * The predict body: Cirrus's `{features}` (one row) and `{instances}` (a batch), and MLflow's
 * scoring formats (`dataframe_split`, `dataframe_records`, `instances`, `inputs`) so MLflow
 * clients work unchanged. Exactly one format key; a sticky-routing field may sit beside it
 * (checked by `core/serving/request-rows.ts`, which knows the endpoint's traffic config).
 */
export const PredictRequestSchema = z.union([
  z.looseObject({ features: PredictFormatSchemas.features }),
  z.looseObject({ instances: PredictFormatSchemas.instances }),
  z.looseObject({ inputs: PredictFormatSchemas.inputs }),
  z.looseObject({ dataframe_records: PredictFormatSchemas.dataframe_records }),
  z.looseObject({ dataframe_split: PredictFormatSchemas.dataframe_split }),
]);
export type PredictRequest = z.infer<typeof PredictRequestSchema>;

/** One row's answer; which fields are set depends on the model's task. */
export const PredictionSchema = z.object({
  /** Class name (classification), or the class index when the contract lists no classes. */
  label: z.union([z.string(), z.number()]).optional(),
  probabilities: z.record(z.string(), z.number()).optional(),
  /** Regression output. */
  value: z.number().optional(),
  cluster: z.number().int().optional(),
  distances: z.array(z.number()).optional(),
});
export type Prediction = z.infer<typeof PredictionSchema>;

export const PredictResponseSchema = z.object({
  requestId: z.string(),
  endpoint: z.string(),
  model: z.string(),
  version: z.number().int().positive(),
  variant: z.string(),
  predictions: z.array(PredictionSchema),
});
export type PredictResponse = z.infer<typeof PredictResponseSchema>;


/** What an endpoint serves now (`GET /v1/endpoints/{name}/traffic`, and after a promotion). */
export const TrafficViewSchema = z.object({
  endpoint: z.string(),
  model: z.string(),
  /** `config`: an explicit split (it does not follow the champion); `champion`: 100 % to the champion alias. */
  source: z.enum(['config', 'champion']),
  traffic: TrafficConfigSchema.nullable(),
  abTestId: z.string().optional(),
});
export type TrafficView = z.infer<typeof TrafficViewSchema>;

/** Ground truth: a class name or number, or one per row for a batch request. */
export const FeedbackValueSchema = z.union([z.string().min(1), z.number().finite()]);
export type FeedbackValue = z.infer<typeof FeedbackValueSchema>;
export const FeedbackRequestSchema = z.strictObject({
  actual: z.union([FeedbackValueSchema, z.array(FeedbackValueSchema).min(1)]),
});
export type FeedbackRequest = z.infer<typeof FeedbackRequestSchema>;

export const AbMetricSchema = z.enum(['accuracy', 'rmse']);
export type AbMetric = z.infer<typeof AbMetricSchema>;

/** `POST /v1/endpoints/{name}/ab-tests`: champion vs challenger. */
export const AbTestStartSchema = z
  .strictObject({
    /** Defaults to the version behind the `challenger` alias. */
    challengerVersion: z.number().int().positive().optional(),
    /** Percent of traffic sent to the challenger. */
    split: z.number().gt(0).lt(100).default(50),
    metric: AbMetricSchema,
    /** Neither arm is judged before it has this many labelled samples. */
    minSamples: z.number().int().min(10).default(100),
    /** Planned horizon per arm: without significance by then, the test ends with no difference. */
    maxSamples: z.number().int().positive().default(10_000),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
  })
  .refine((t) => t.maxSamples >= t.minSamples, {
    path: ['maxSamples'],
    message: 'maxSamples must be >= minSamples',
  });
export type AbTestStart = z.infer<typeof AbTestStartSchema>;

/** `no_decision`: the test was stopped by request before the evidence decided it. */
export const AbDecisionSchema = z.enum([
  'running',
  'promote_challenger',
  'keep_champion',
  'no_difference',
  'no_decision',
]);
export type AbDecision = z.infer<typeof AbDecisionSchema>;

/** Sufficient statistics of one arm: labelled samples, sum and sum of squares of the per-sample score. */
export const ArmCountsSchema = z.object({
  n: z.number().int().min(0),
  /** accuracy: number correct; rmse: sum of squared errors. */
  sum: z.number().min(0),
  /** accuracy: equals `sum` (0/1 scores); rmse: sum of squared-error squares. */
  sumSquares: z.number().min(0),
});
export type ArmCounts = z.infer<typeof ArmCountsSchema>;

export const ArmStatusSchema = ArmCountsSchema.extend({
  variant: z.string(),
  version: z.number().int().positive(),
  /** Accuracy, or RMSE (sqrt of the mean squared error). */
  metric: z.number().nullable(),
});

export const AbTestStatusSchema = z.object({
  testId: z.string(),
  endpoint: z.string(),
  state: z.enum(['running', 'completed', 'stopped']),
  metric: AbMetricSchema,
  split: z.number(),
  minSamples: z.number().int(),
  maxSamples: z.number().int(),
  alpha: z.number(),
  champion: ArmStatusSchema,
  challenger: ArmStatusSchema,
  /** challenger minus champion in the per-sample score (accuracy, or mean squared error). */
  difference: z.number().nullable(),
  /**
   * Always-valid (1 - alpha) confidence sequence for the difference: the intersection over the
   * looks with `minSamples` per arm (before that, the current look's interval).
   */
  confidenceInterval: z.tuple([z.number(), z.number()]).nullable(),
  /** Always-valid p-value (mSPRT): the running minimum from the first look with `minSamples` per arm. */
  pValue: z.number().nullable(),
  /**
   * Fixed-horizon p-value, for display only (not valid under repeated looks): the pooled
   * two-proportion z-test for accuracy, Welch's z-test for RMSE's squared errors.
   */
  fixedHorizonPValue: z.number().nullable(),
  decision: AbDecisionSchema,
  reason: z.string(),
  startedAt: z.string(),
  decidedAt: z.string().optional(),
});
export type AbTestStatus = z.infer<typeof AbTestStatusSchema>;

/** One logged prediction (one per request and variant; shadows logged with `shadow: true`). */
export const PredictionLogRecordSchema = z.object({
  requestId: z.string().min(1),
  endpoint: z.string().min(1),
  model: z.string().min(1),
  version: z.number().int().positive(),
  variant: z.string().min(1),
  shadow: z.boolean(),
  /** Input rows; omitted (and `truncated` set) when the batch is too large for one item. */
  inputs: z.array(FeatureRowSchema).optional(),
  outputs: z.array(PredictionSchema).optional(),
  rowCount: z.number().int().min(0),
  truncated: z.boolean().optional(),
  latencyMs: z.number().min(0),
  /** ISO time the request was answered. */
  at: z.string(),
  abTestId: z.string().optional(),
  actual: z.union([FeedbackValueSchema, z.array(FeedbackValueSchema)]).optional(),
  feedbackAt: z.string().optional(),
  /**
   * Set when the request failed after it was routed to this variant (its body did not fit the
   * version's contract, too many rows, the model failed): no inputs or outputs, rowCount 0.
   * Failures before routing (unknown endpoint, malformed JSON) name no variant and are not logged.
   */
  error: z.object({ status: z.number().int(), code: z.string() }).optional(),
});
export type PredictionLogRecord = z.infer<typeof PredictionLogRecordSchema>;


/** A stored A/B test (registry table, under its endpoint). Arm counters are top-level for atomic adds. */
/**
 * One look of an A/B evaluation, as the evaluator saw it: each arm's samples and metric, the
 * difference, and the always-valid interval shown at that look (the running intersection once
 * both arms have `minSamples`, before that the look's own interval), with the p-value.
 */
export const AbLookSchema = z.object({
  at: z.string(),
  championN: z.number().int().min(0),
  challengerN: z.number().int().min(0),
  championMetric: z.number().nullable(),
  challengerMetric: z.number().nullable(),
  difference: z.number(),
  interval: z.tuple([z.number(), z.number()]),
  pValue: z.number(),
});
export type AbLook = z.infer<typeof AbLookSchema>;

/** A test's looks in order: the evidence over samples (`GET .../ab-tests/current/looks`). */
export const AbLooksSchema = z.object({
  testId: z.string(),
  endpoint: z.string(),
  metric: AbMetricSchema,
  alpha: z.number(),
  minSamples: z.number().int(),
  looks: z.array(AbLookSchema),
});
export type AbLooks = z.infer<typeof AbLooksSchema>;

export const AbTestRecordSchema = z.object({
  testId: z.string().min(1),
  endpoint: z.string().min(1),
  model: z.string().min(1),
  championVersion: z.number().int().positive(),
  challengerVersion: z.number().int().positive(),
  metric: AbMetricSchema,
  split: z.number(),
  minSamples: z.number().int(),
  maxSamples: z.number().int(),
  alpha: z.number(),
  state: z.enum(['running', 'completed', 'stopped']),
  decision: AbDecisionSchema,
  reason: z.string(),
  /** Running minimum of the always-valid p-value over the looks with `minSamples` per arm. */
  pValue: z.number(),
  /** Running intersection of the confidence sequence over those looks (absent before the first). */
  interval: z.tuple([z.number(), z.number()]).optional(),
  championN: z.number().int().min(0),
  championSum: z.number().min(0),
  championSumSquares: z.number().min(0),
  challengerN: z.number().int().min(0),
  challengerSum: z.number().min(0),
  challengerSumSquares: z.number().min(0),
  /** The endpoint's traffic before the test (restored when it ends). */
  previousTraffic: TrafficConfigSchema.optional(),
  /** Each evaluation with new samples, oldest first (at most MAX_AB_LOOKS; absent on older tests). */
  looks: z.array(AbLookSchema).optional(),
  startedAt: z.string(),
  decidedAt: z.string().optional(),
});
export type AbTestRecord = z.infer<typeof AbTestRecordSchema>;
