import * as z from 'zod';

/** What an imported classifier's single score output holds (torch networks: the user says). */
export const ScoresKindSchema = z.enum(['probabilities', 'logits']);
export type ScoresKind = z.infer<typeof ScoresKindSchema>;

/** Deploy policies an import can run (`rollback` moves back, it deploys nothing new). */
export const ImportPolicySchema = z.enum(['best_score', 'most_recent', 'manual', 'ab_test']);

const names = z.array(z.string().min(1)).min(1);

/**
 * What the graph cannot tell about an imported ONNX model; everything else is inferred from it.
 * Feature names come from `features`, else the reference CSV's header (minus `target`), else
 * the graph's per-column input names.
 */
export const ImportOptionsSchema = z.object({
  task: z.enum(['classification', 'regression']).optional(),
  /** Class labels in probability-column order; overrides labels found in the graph. */
  classes: names.optional(),
  features: names.optional(),
  /** For a single [N, k] float output: probabilities or logits (softmax is added). */
  scores: ScoresKindSchema.optional(),
  /** Target column of the reference CSV: scores the model and names the contract's target. */
  target: z.string().min(1).optional(),
  /** @default best_score with a reference set, else most_recent */
  policy: ImportPolicySchema.optional(),
  description: z.string().max(2000).optional(),
  /** The uploaded file's name, kept as lineage. */
  fileName: z.string().max(256).optional(),
});
export type ImportOptions = z.infer<typeof ImportOptionsSchema>;

export { type ModelSource, ModelSourceSchema } from './model-source.js';

/** One file to upload: its presigned PUT URL and the key to name in the import request. */
export const UploadTargetSchema = z.object({ key: z.string(), url: z.url(), expiresInSeconds: z.number() });

/**
 * `POST /v1/models/{model}/import`. The model comes inline (base64, local and small files) or
 * as the key of an upload made through `POST /v1/models/{model}/import/uploads` (presigned S3
 * PUT: API Gateway limits bodies to 10 MB). The reference CSV likewise.
 */
export const ImportRequestSchema = ImportOptionsSchema.extend({
  onnxBase64: z.string().min(1).optional(),
  onnxKey: z.string().startsWith('uploads/').optional(),
  referenceCsv: z.string().min(1).optional(),
  referenceKey: z.string().startsWith('uploads/').optional(),
});
export type ImportRequest = z.infer<typeof ImportRequestSchema>;

export const ImportUploadsResponseSchema = z.object({
  onnx: UploadTargetSchema,
  reference: UploadTargetSchema,
});
