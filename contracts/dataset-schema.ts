import * as z from 'zod';
import { FeatureTypeSchema } from './model-contract.js';

/** One column of a dataset as inferred (or declared) at load time. */
export const ColumnSchemaSchema = z.object({
  name: z.string().min(1),
  type: FeatureTypeSchema,
  /** Number of missing cells (empty, NA, N/A, NaN, null). */
  missing: z.number().int().min(0),
});
export type ColumnSchema = z.infer<typeof ColumnSchemaSchema>;

/** A dataset version's schema (stored beside the CSV as schema.json). */
export const DatasetSchemaSchema = z.object({
  kind: z.literal('cirrus.dataset-schema'),
  schemaVersion: z.literal(1),
  columns: z.array(ColumnSchemaSchema).min(1),
  rowCount: z.number().int().min(0),
  /** sha256 (hex) of the CSV bytes: the dataset version. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
});
export type DatasetSchema = z.infer<typeof DatasetSchemaSchema>;
