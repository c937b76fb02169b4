import * as z from 'zod';

/** What a model learns: classes, a numeric value, or clusters. */
export const TaskSchema = z.enum(['classification', 'regression', 'clustering']);
export type Task = z.infer<typeof TaskSchema>;

export const FeatureTypeSchema = z.enum(['numeric', 'categorical', 'text']);
export type FeatureType = z.infer<typeof FeatureTypeSchema>;

/** Where a feature came from (lineage, as OpenMetadata's featureSources). */
export const FeatureSourceSchema = z.object({
  dataset: z.string().min(1),
  /** Dataset version: the sha256 of its bytes. */
  version: z.string().min(1),
  /** Source column(s); a text feature built from a template names every column it uses. */
  columns: z.array(z.string().min(1)).min(1),
  /** For text features assembled from several columns, e.g. `Author: {author}, Tweet: {text}`. */
  template: z.string().optional(),
});

export const FeatureSchema = z.object({
  name: z.string().min(1),
  type: FeatureTypeSchema,
  source: FeatureSourceSchema,
  /** Categories seen in training (categorical features), in one-hot order. */
  categories: z.array(z.string()).optional(),
});
export type Feature = z.infer<typeof FeatureSchema>;

/**
 * The model contract: what a model version accepts and answers. Stored in the ONNX metadata
 * (key `cirrus.contract`), beside the model as `contract.json`, and in the registry; serving
 * validates every request against it.
 */
export const ModelContractSchema = z.object({
  kind: z.literal('cirrus.model-contract'),
  schemaVersion: z.literal(1),
  task: TaskSchema,
  algorithm: z.string().min(1),
  /** Ordered features; ONNX inputs group them by type in this order (docs/conventions.md). */
  features: z.array(FeatureSchema).min(1),
  /** Target column (absent for clustering). */
  target: z.string().optional(),
  /** Class labels in output index order (classification). */
  classes: z.array(z.string()).optional(),
  /** Number of clusters (clustering). */
  clusters: z.number().int().positive().optional(),
});
export type ModelContract = z.infer<typeof ModelContractSchema>;
