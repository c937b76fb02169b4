import * as z from 'zod';
import { fromZodError, ValidationError } from './errors.js';
import { FeatureTypeSchema, TaskSchema } from './model-contract.js';
import { SeedSchema } from './training-request.js';

/** The reserved hyperparameters.json key that carries the job description (as JSON). */
export const CIRRUS_JOB_KEY = 'cirrus_job';

/**
 * What the trainer needs beyond the algorithm's hyperparameters. Travels as JSON under
 * `cirrus_job` in the `cirrus` channel's job.json (JOB_CHANNEL below), not inline: SageMaker
 * passes only string values of at most 2,500 characters.
 */
export const TrainingJobSpecSchema = z.strictObject({
  task: TaskSchema,
  algorithm: z.string().min(1),
  target: z.string().min(1).optional(),
  /** Feature columns in order; default every column but the target (text columns become TF-IDF features in the graph). */
  features: z.array(z.string().min(1)).min(1).optional(),
  /** Declared column types; a declared numeric column with text in it is an error. */
  columnTypes: z.record(z.string(), FeatureTypeSchema).optional(),
  dataset: z.strictObject({ name: z.string().min(1), version: z.string().min(1) }),
  seed: SeedSchema,
  runId: z.string().min(1),
  experiment: z.string().min(1),
});
export type TrainingJobSpec = z.infer<typeof TrainingJobSpecSchema>;
export type TrainingJobSpecInput = z.input<typeof TrainingJobSpecSchema>;

/** hyperparameters.json as SageMaker writes it: every value a string. */
export const HyperparametersFileSchema = z.record(z.string(), z.string());

/** SageMaker's cap on each HyperParameters value of CreateTrainingJob (characters). */
export const MAX_HYPERPARAMETER_VALUE_LENGTH = 2500;

/**
 * The input channel that carries the job description: Prepare writes the reserved `cirrus_*`
 * keys (job, text options, search space: unbounded in size) as one JSON object to S3, and the
 * training job downloads it to `/opt/ml/input/data/cirrus/job.json`; hyperparameters.json keeps
 * the algorithm's own values and `cirrus_job_uri` (where the object lives).
 */
export const JOB_CHANNEL = 'cirrus';
export const JOB_FILE = 'job.json';
export const JOB_URI_KEY = 'cirrus_job_uri';

/** Splits a hyperparameters file into what travels inline and what goes in the job channel's file. */
export function splitHyperparametersFile(file: Readonly<Record<string, string>>): {
  inline: Record<string, string>;
  reserved: Record<string, string>;
} {
  const inline: Record<string, string> = {};
  const reserved: Record<string, string> = {};
  for (const [k, v] of Object.entries(file)) (k.startsWith('cirrus_') ? reserved : inline)[k] = v;
  return { inline, reserved };
}

/** A parsed hyperparameters.json: the job, and the algorithm's hyperparameters (still strings). */
export interface TrainingJobConfig {
  readonly job: TrainingJobSpec;
  readonly hyperparameters: Record<string, string>;
}

/**
 * Parses hyperparameters.json, merged over the job channel's file when there is one (its
 * reserved keys win); errors name the field (`cirrus_job.target`, ...).
 */
export function parseTrainingJobConfig(raw: unknown, jobFile?: unknown): TrainingJobConfig {
  const file = HyperparametersFileSchema.safeParse(raw);
  if (!file.success) throw fromZodError(file.error, 'hyperparameters');
  const channel = HyperparametersFileSchema.safeParse(jobFile ?? {});
  if (!channel.success) throw fromZodError(channel.error, `${JOB_CHANNEL} channel ${JOB_FILE}`);
  const { [JOB_URI_KEY]: _uri, ...merged } = { ...file.data, ...channel.data };
  const { [CIRRUS_JOB_KEY]: jobText, ...hyperparameters } = merged;
  if (jobText === undefined)
    throw new ValidationError(
      `${CIRRUS_JOB_KEY}: missing from hyperparameters.json and from the '${JOB_CHANNEL}' channel's ${JOB_FILE}`,
      CIRRUS_JOB_KEY,
    );
  let json: unknown;
  try {
    json = JSON.parse(jobText);
  } catch {
    throw new ValidationError(`${CIRRUS_JOB_KEY}: not valid JSON`, CIRRUS_JOB_KEY);
  }
  const job = TrainingJobSpecSchema.safeParse(json);
  if (!job.success) throw fromZodError(job.error, CIRRUS_JOB_KEY);
  return { job: job.data, hyperparameters };
}

/** Builds hyperparameters.json (all strings) from a job and algorithm hyperparameters. */
export function toHyperparametersFile(
  job: TrainingJobSpecInput,
  hyperparameters: Readonly<Record<string, string | number | boolean>> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(hyperparameters)) out[k] = String(v);
  out[CIRRUS_JOB_KEY] = JSON.stringify(TrainingJobSpecSchema.parse(job));
  return out;
}

/** manifest.json beside the model: what produced it, with which seed and settings. */
export const ModelManifestSchema = z.object({
  kind: z.literal('cirrus.model-manifest'),
  schemaVersion: z.literal(1),
  seed: z.number().int(),
  trainerVersion: z.string().min(1),
  algorithm: z.string().min(1),
  task: TaskSchema,
  /** Hyperparameters after defaults were applied. */
  hyperparameters: z.record(z.string(), z.unknown()),
  dataset: z.object({ name: z.string(), version: z.string() }),
  runId: z.string(),
  experiment: z.string(),
  rows: z.object({ train: z.number().int(), test: z.number().int() }),
  durationMs: z.number().min(0),
  files: z.array(z.string()),
});
export type ModelManifest = z.infer<typeof ModelManifestSchema>;
