import * as z from 'zod';
import { DatasetSchemaSchema } from './dataset-schema.js';

/*
 * The dataset schema itself (columns with name + type numeric|categorical|text, rowCount, sha256)
 * is defined once, by the loader, in `dataset-schema.ts`; it is re-exported here so that dataset
 * records and their schema are imported from one place.
 */
export {
  type ColumnSchema,
  ColumnSchemaSchema,
  type DatasetSchema,
  DatasetSchemaSchema,
} from './dataset-schema.js';

/** Dataset names: they become S3 key segments and DynamoDB key parts. */
export const DatasetNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ - (starting with a letter or digit)');

/** A dataset version is the sha256 (hex) of its CSV bytes. */
export const DatasetVersionSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex');

/**
 * How continuous training made a dataset version: the version it appended to, and the
 * production rows with ground truth (logged request plus feedback) it appended.
 */
export const DatasetAppendedSchema = z.object({
  /** The version the rows were appended to. */
  base: DatasetVersionSchema,
  /** The endpoint whose prediction log gave the rows. */
  endpoint: z.string().min(1),
  rows: z.number().int().min(1),
  /** The latest feedback time included: the next append takes only feedback after it. */
  feedbackThrough: z.iso.datetime(),
});
export type DatasetAppended = z.infer<typeof DatasetAppendedSchema>;

/**
 * One registered dataset version (tracking table). `uri` points at
 * `datasets/{name}/{version}/data.csv`, `schemaUri` at the `schema.json` beside it.
 */
export const DatasetRecordSchema = z.object({
  name: DatasetNameSchema,
  version: DatasetVersionSchema,
  schema: DatasetSchemaSchema,
  uri: z.string().startsWith('s3://'),
  schemaUri: z.string().startsWith('s3://'),
  rowCount: z.number().int().min(0),
  bytes: z.number().int().min(0),
  createdAt: z.iso.datetime(),
  description: z.string().max(2000).optional(),
  /** Set on a version continuous training appended production rows to. */
  appended: DatasetAppendedSchema.optional(),
});
export type DatasetRecord = z.infer<typeof DatasetRecordSchema>;

/** Which version to read: a sha256 or the latest registered one. */
export const DatasetVersionRefSchema = z.union([DatasetVersionSchema, z.literal('latest')]);
export type DatasetVersionRef = z.infer<typeof DatasetVersionRefSchema>;

/**
 * The first rows of one dataset version, as the CSV holds them (cells are text; an empty cell
 * is null), in the schema's column order. Read-only, for people (the console's preview).
 */
export const DatasetPreviewSchema = z.object({
  name: DatasetNameSchema,
  version: DatasetVersionSchema,
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string().nullable())),
  /** The version's row count: how many rows the preview is the start of. */
  rowCount: z.number().int().min(0),
});
export type DatasetPreview = z.infer<typeof DatasetPreviewSchema>;
