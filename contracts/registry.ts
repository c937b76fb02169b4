import * as z from 'zod';
import { ModelSourceSchema } from './model-source.js';
import { ModelContractSchema, TaskSchema } from './model-contract.js';

/*
 * Model registry records (registry table). The model contract (features with their source
 * dataset + column, target, task, classes) is `ModelContractSchema` from `model-contract.ts`,
 * re-exported here so registry callers import one file.
 */
export { type Feature, FeatureSchema, type ModelContract, ModelContractSchema } from './model-contract.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAME_RULE = 'letters, digits, . _ - (starting with a letter or digit)';

/** Registered model names (by default the experiment name). */
export const ModelNameSchema = z.string().min(1).max(128).regex(NAME, NAME_RULE);

/** Alias names: `champion`, `challenger`, or any other. */
export const AliasNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lowercase letters, digits, _ - (starting with a letter or digit)');

/** Version numbers are allocated 1, 2, … per model. */
export const VersionNumberSchema = z.number().int().positive();

/** Which way the promotion score is better (metrics' `score` is higher-is-better by default). */
export const MetricDirectionSchema = z.enum(['maximize', 'minimize']);
export type MetricDirection = z.infer<typeof MetricDirectionSchema>;

/** What moved an alias: a deploy policy, an A/B evaluation, or a person. */
export const AliasPolicySchema = z.enum(['best_score', 'most_recent', 'manual', 'rollback', 'ab_test']);
export type AliasPolicy = z.infer<typeof AliasPolicySchema>;

/** The policies `applyDeployPolicy` runs (`ab_test` is started by the pipeline instead). */
export const PromotionPolicySchema = z.enum(['best_score', 'most_recent', 'manual', 'rollback']);
export type PromotionPolicy = z.infer<typeof PromotionPolicySchema>;

export const RegisteredModelSchema = z.object({
  name: ModelNameSchema,
  task: TaskSchema.optional(),
  description: z.string().max(2000).optional(),
  tags: z.record(z.string(), z.string()).default({}),
  createdAt: z.iso.datetime(),
  /** Highest version number allocated so far (0 before the first registration). */
  latestVersion: z.number().int().min(0),
});
export type RegisteredModel = z.infer<typeof RegisteredModelSchema>;

export const ModelVersionStatusSchema = z.enum(['READY', 'ARCHIVED']);
export type ModelVersionStatus = z.infer<typeof ModelVersionStatusSchema>;

const Scalar = z.union([z.number(), z.string(), z.boolean()]);

/** What a caller supplies to register a version; the registry adds number, label, created. */
export const ModelVersionInputSchema = z.object({
  model: ModelNameSchema,
  runId: z.string().min(1),
  algorithm: z.string().min(1),
  hyperparameters: z.record(z.string(), Scalar).default({}),
  contract: ModelContractSchema,
  /** Task metrics as evaluated (shape per `contracts/metrics.ts`); kept as given. */
  metrics: z.record(z.string(), z.unknown()).default({}),
  /**
   * The promotion score (higher is better unless the policy says `minimize`); absent only for
   * a version imported without a reference set (nothing to score it on).
   */
  score: z.number().optional(),
  onnxUri: z.string().startsWith('s3://'),
  onnxSha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex'),
  baselineUri: z.string().startsWith('s3://').optional(),
  description: z.string().max(2000).optional(),
  /** Lineage of a version Cirrus did not train itself (an import or a custom trainer). */
  source: ModelSourceSchema.optional(),
});
export type ModelVersionInput = z.input<typeof ModelVersionInputSchema>;

export const ModelVersionSchema = ModelVersionInputSchema.extend({
  version: VersionNumberSchema,
  /** OpenMetadata rule: algorithm, features or target changed → major bump, else minor. */
  versionLabel: z.string().regex(/^\d+\.\d+$/),
  createdAt: z.iso.datetime(),
  status: ModelVersionStatusSchema,
});
export type ModelVersion = z.infer<typeof ModelVersionSchema>;

/** Where an alias points now; `revision` is the optimistic-concurrency counter (moves so far). */
export const AliasSchema = z.object({
  model: ModelNameSchema,
  alias: AliasNameSchema,
  version: VersionNumberSchema,
  revision: z.number().int().positive(),
  updatedAt: z.iso.datetime(),
});
export type Alias = z.infer<typeof AliasSchema>;

/**
 * One immutable alias move. `from` is null for the first assignment; `to` is null when the alias
 * was cleared (the `challenger` alias once its version became champion).
 */
export const AliasHistoryEntrySchema = z.object({
  model: ModelNameSchema,
  alias: AliasNameSchema,
  revision: z.number().int().positive(),
  from: VersionNumberSchema.nullable(),
  to: VersionNumberSchema.nullable(),
  at: z.iso.datetime(),
  reason: z.string(),
  policy: AliasPolicySchema,
  by: z.string().min(1),
});
export type AliasHistoryEntry = z.infer<typeof AliasHistoryEntrySchema>;

/** A stored item its reader rejects, named with what is wrong and how to repair it. */
export const MalformedItemSchema = z.object({
  /** The item's key, `pk/sk`. */
  item: z.string(),
  /** `field: rule` of the first field the reader's schema rejects. */
  problem: z.string(),
  /** The API route and CLI command that repair it. */
  repair: z.string(),
});
export type MalformedItem = z.infer<typeof MalformedItemSchema>;

/** The result of a deploy policy. */
export const PromotionResultSchema = z.object({
  promoted: z.boolean(),
  reason: z.string(),
  /** The champion before the policy ran (null when there was none). */
  previousChampion: VersionNumberSchema.nullable(),
  /** The champion after the policy ran. */
  champion: VersionNumberSchema.nullable(),
});
export type PromotionResult = z.infer<typeof PromotionResultSchema>;
