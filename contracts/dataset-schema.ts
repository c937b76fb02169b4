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

/**
 * How often each present value occurs, for the columns of a dataset version with few distinct
 * values (stored beside the CSV as values.json). A column in neither `columns` nor `uncounted`
 * has more than `maxValues` distinct values. Pairs, not an object, so any cell (even `__proto__`)
 * stays a plain string.
 */
export const DatasetValueCountsSchema = z.object({
  kind: z.literal('cirrus.dataset-values'),
  schemaVersion: z.literal(1),
  /** The most distinct present values a column may have to be counted. */
  maxValues: z.number().int().min(1),
  columns: z.array(
    z.object({
      name: z.string().min(1),
      values: z.array(z.tuple([z.string(), z.number().int().min(1)])),
    }),
  ),
  /** Columns with few enough values that were left out to keep the file small (not counted). */
  uncounted: z.array(z.string()),
});
export type DatasetValueCounts = z.infer<typeof DatasetValueCountsSchema>;
