import * as z from 'zod';
import { FeedbackValueSchema, PredictionSchema } from './serving.js';

/** One variant's requests in one minute of the window: answered (`requests`) and failed (`errors`). */
export const MinuteVolumeSchema = z.object({
  minute: z.string(),
  variant: z.string(),
  requests: z.number().int().min(0),
  rows: z.number().int().min(0),
  errors: z.number().int().min(0),
});

/** One variant's traffic over the whole window. */
export const VariantActivitySchema = z.object({
  variant: z.string(),
  version: z.number().int().positive(),
  shadow: z.boolean(),
  requests: z.number().int().min(0),
  rows: z.number().int().min(0),
  /** Requests routed to this variant that failed: all, and those answered 5xx. */
  errors: z.number().int().min(0),
  serverErrors: z.number().int().min(0),
  p50LatencyMs: z.number().min(0),
  p95LatencyMs: z.number().min(0),
  /** Requests with ground truth, and how many of their first rows matched it (classification). */
  labelled: z.number().int().min(0),
  correct: z.number().int().min(0),
});

/** A recent logged prediction (first row) beside its ground truth, when it has come. */
export const RecentPredictionSchema = z.object({
  requestId: z.string(),
  at: z.string(),
  variant: z.string(),
  version: z.number().int().positive(),
  rowCount: z.number().int().min(0),
  latencyMs: z.number().min(0),
  prediction: PredictionSchema.optional(),
  actual: FeedbackValueSchema.optional(),
});

/**
 * An endpoint's activity read from the prediction log: volume per minute and per variant,
 * latency percentiles, and the latest predictions with their feedback. Read-only, derived.
 */
export const PredictionActivitySchema = z.object({
  endpoint: z.string(),
  from: z.string(),
  to: z.string(),
  perMinute: z.array(MinuteVolumeSchema),
  variants: z.array(VariantActivitySchema),
  recent: z.array(RecentPredictionSchema),
});
export type PredictionActivity = z.infer<typeof PredictionActivitySchema>;
