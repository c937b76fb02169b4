import * as z from 'zod';
import { MAX_HYPERPARAMETER_VALUE_LENGTH } from '../../contracts/training-job.js';

/**
 * The part of SageMaker's `CreateTrainingJob` request the local runner honours, as the state
 * machine's Train task sends it. Parsed at the boundary (the task input is untyped JSON). This is
 * AWS's shape, not a Cirrus contract, so it lives next to the runner rather than in `contracts/`.
 */
export const TrainingJobRequestSchema = z.object({
  // SageMaker's own name rule: alphanumerics and hyphens, at most 63 characters.
  TrainingJobName: z
    .string()
    .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$'),
  AlgorithmSpecification: z.object({
    TrainingImage: z.string().min(1),
    TrainingInputMode: z.literal('File'),
  }),
  RoleArn: z.string().min(1),
  // The container contract: every hyperparameter value arrives as a string, at most 2,500
  // characters (SageMaker's API limit, enforced here so a longer value fails locally too).
  HyperParameters: z
    .record(
      z.string(),
      z
        .string()
        .max(
          MAX_HYPERPARAMETER_VALUE_LENGTH,
          `must be at most ${MAX_HYPERPARAMETER_VALUE_LENGTH} characters (SageMaker's HyperParameters value limit)`,
        ),
    )
    .default({}),
  InputDataConfig: z
    .array(
      z.object({
        ChannelName: z.string().regex(/^[A-Za-z0-9.\-_]+$/, 'must be a plain channel name'),
        ContentType: z.string().optional(),
        DataSource: z.object({
          S3DataSource: z.object({
            S3DataType: z.literal('S3Prefix'),
            S3Uri: z.string().startsWith('s3://'),
            S3DataDistributionType: z.string().optional(),
          }),
        }),
      }),
    )
    .default([]),
  OutputDataConfig: z.object({ S3OutputPath: z.string().startsWith('s3://') }),
  ResourceConfig: z.object({
    InstanceType: z.string(),
    InstanceCount: z.number().int().min(1),
    VolumeSizeInGB: z.number().int().min(1),
  }),
  StoppingCondition: z.object({ MaxRuntimeInSeconds: z.number().int().min(1) }).optional(),
  Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
});

export type TrainingJobRequest = z.infer<typeof TrainingJobRequestSchema>;

const SecondaryStatusTransitionSchema = z.object({
  Status: z.string(),
  StartTime: z.number(),
  EndTime: z.number().optional(),
  StatusMessage: z.string(),
});

/**
 * `DescribeTrainingJob` as the `createTrainingJob.sync` integration returns it (times as epoch
 * milliseconds, the way Step Functions serializes them).
 */
export const TrainingJobDescriptionSchema = TrainingJobRequestSchema.omit({ Tags: true }).extend({
  TrainingJobArn: z.string(),
  TrainingJobStatus: z.enum(['InProgress', 'Completed', 'Failed', 'Stopped']),
  SecondaryStatus: z.string(),
  FailureReason: z.string().optional(),
  ModelArtifacts: z.object({ S3ModelArtifacts: z.string() }).optional(),
  CreationTime: z.number(),
  TrainingStartTime: z.number(),
  TrainingEndTime: z.number().optional(),
  LastModifiedTime: z.number(),
  SecondaryStatusTransitions: z.array(SecondaryStatusTransitionSchema),
});

export type SecondaryStatusTransition = z.infer<typeof SecondaryStatusTransitionSchema>;
export type TrainingJobDescription = z.infer<typeof TrainingJobDescriptionSchema>;
