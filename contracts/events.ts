import * as z from 'zod';
import { VersionNumberSchema } from './registry.js';
import { ExperimentNameSchema } from './tracking.js';

/**
 * Cirrus's EventBridge events: the detail of each detail-type, and the envelope a rule target
 * (the retrain Lambda, or a local target) receives. Rule names and patterns live in
 * `core/events/rules.ts`.
 */

/** Detail of `ModelDriftDetected` (source `cirrus`): which endpoint drifted, and the report that says so. */
export const ModelDriftDetectedDetailSchema = z.object({
  endpoint: z.string().min(1),
  model: z.string().min(1),
  version: VersionNumberSchema,
  /** `s3://.../drift/{endpoint}/{reportId}.json`: the retraining run is linked to it (`triggeredBy`). */
  reportUri: z.string().startsWith('s3://'),
  reportId: z.string().min(1),
  /** The experiment to retrain (the model's experiment; by default they share a name). */
  experiment: ExperimentNameSchema,
});
export type ModelDriftDetectedDetail = z.infer<typeof ModelDriftDetectedDetailSchema>;

/**
 * Detail of `ScheduledRetrain` (source `cirrus.schedule`): the constant input a retraining
 * schedule hands its target. `schedule` is the expression that fired; CDK rules created before
 * it was added hand only the experiment.
 */
export const ScheduledRetrainDetailSchema = z.object({
  experiment: ExperimentNameSchema,
  schedule: z
    .string()
    .regex(/^(rate|cron)\(.+\)$/, 'rate(...) or cron(...)')
    .optional(),
});
export type ScheduledRetrainDetail = z.infer<typeof ScheduledRetrainDetailSchema>;

/** Detail of `RetrainRequested` (source `cirrus`): an on-demand retraining (API, CLI). */
export const RetrainRequestedDetailSchema = ScheduledRetrainDetailSchema;
export type RetrainRequestedDetail = ScheduledRetrainDetail;

/**
 * The event as a rule target receives it (EventBridge's envelope). Only `source`,
 * `detail-type` and `detail` are required: a schedule rule with a constant input hands just those.
 */
export const CirrusEventSchema = z
  .object({
    source: z.string().min(1),
    'detail-type': z.string().min(1),
    detail: z.record(z.string(), z.unknown()),
    id: z.string().optional(),
    time: z.string().optional(),
    account: z.string().optional(),
    region: z.string().optional(),
    resources: z.array(z.string()).optional(),
    version: z.string().optional(),
  })
  .loose();
export type CirrusEvent = z.infer<typeof CirrusEventSchema>;
