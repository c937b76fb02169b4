import * as z from 'zod';
import { RunIdSchema } from './tracking.js';
import { TrainingRequestBodySchema } from './training-request.js';

/**
 * The request as a pipeline execution carries it: one algorithm (the sweep machine merges each
 * algorithm of a list request into its own iteration's request), the run id when the API
 * allocated one (sweeps leave it to Validate), and what triggered the run.
 */
export const PipelineRequestSchema = TrainingRequestBodySchema.extend({
  algorithm: z.string().min(1),
  runId: RunIdSchema.optional(),
  triggeredBy: z.string().optional(),
  /** The execution's name, when the starter puts it here: a sweep's variants see only `request`. */
  executionId: z.string().min(1).max(80).optional(),
});
export type PipelineRequest = z.infer<typeof PipelineRequestSchema>;

/** Execution input of both state machines. */
export const ExecutionInputSchema = z.object({ request: PipelineRequestSchema }).loose();
export type ExecutionInput = z.infer<typeof ExecutionInputSchema>;

/** Output of Validate (at `$.run.Payload`). */
export const ValidateOutputSchema = z.object({
  runId: RunIdSchema,
  experiment: z.string(),
  model: z.string(),
  dataset: z.object({
    name: z.string(),
    version: z.string(),
    uri: z.string(),
    target: z.string().optional(),
  }),
});
export type ValidateOutput = z.infer<typeof ValidateOutputSchema>;

/** Output of Prepare (at `$.prepared.Payload`): what the Train state hands SageMaker. */
export const PrepareOutputSchema = z.object({
  /** S3 prefixes of the input channels; `cirrus` holds the job description (JOB_CHANNEL). */
  channels: z.object({ train: z.string(), test: z.string(), cirrus: z.string() }),
  outputPath: z.string(),
  /** What CreateTrainingJob gets inline: each value at most 2,500 characters, as SageMaker allows. */
  hyperparameters: z.record(z.string(), z.string()),
  rows: z.object({ train: z.number().int(), test: z.number().int() }),
});
export type PrepareOutput = z.infer<typeof PrepareOutputSchema>;

/** The Train state's ResultSelector output (at `$.training`). */
export const TrainingOutputSchema = z.object({
  TrainingJobName: z.string(),
  TrainingJobArn: z.string().optional(),
  TrainingJobStatus: z.string().optional(),
  S3ModelArtifacts: z.string(),
});

/**
 * Output of Evaluate (at `$.evaluation.Payload`). State data is capped at 256 KiB and a sweep's
 * Map gathers every variant's, so what grows with the data stays in S3: `metrics` holds the
 * scalar metrics only (the whole set, confusion matrix included, is at `metricsUri`), and a
 * search's candidates are at `tuningUri`.
 */
export const EvaluateOutputSchema = z.object({
  metrics: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  score: z.number(),
  onnxUri: z.string(),
  onnxSha256: z.string(),
  contractUri: z.string(),
  baselineUri: z.string(),
  metricsUri: z.string(),
  /** The hyperparameters the model was trained with: after defaults, and the chosen ones of a search. */
  hyperparameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  /** A tuned run's candidates with their cross-validation scores (TuningResult JSON). */
  tuningUri: z.string().optional(),
  /** From the trainer's manifest.json: which trainer produced the model (lineage). */
  trainerVersion: z.string().optional(),
});
export type EvaluateOutput = z.infer<typeof EvaluateOutputSchema>;

/** Output of Register (at `$.registration.Payload`). */
export const RegisterOutputSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  score: z.number(),
});
export type RegisterOutput = z.infer<typeof RegisterOutputSchema>;

/** The Catch result (at `$.error`). */
export const TaskErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() }).loose();

/** State after Register: everything the deploy steps read. */
export const RegisteredStateSchema = z
  .object({
    request: PipelineRequestSchema,
    run: z.object({ Payload: ValidateOutputSchema }),
    evaluation: z.object({ Payload: EvaluateOutputSchema }),
    registration: z.object({ Payload: RegisterOutputSchema }),
  })
  .loose();
