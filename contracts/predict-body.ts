import * as z from 'zod';

/**
 * The rows of a predict body, by format (re-exported by serving.ts). Their own file so the
 * predict function, whose cold start builds every schema it imports, builds only these and the
 * endpoint's (endpoint.ts), not the rest of serving.ts (A/B tests, feedback, the log record).
 */

/** One input row keyed by feature name. */
export const FeatureRowSchema = z.record(z.string(), z.unknown());
export type FeatureRow = z.infer<typeof FeatureRowSchema>;

/** A row in feature order (MLflow `instances`/`inputs` as lists, `dataframe_split.data`). */
const PositionalRowSchema = z.array(z.unknown());
const RowsSchema = z.array(z.union([FeatureRowSchema, PositionalRowSchema]));

/** The row-carrying member of each accepted predict body format, by its top-level key. */
export const PredictFormatSchemas = {
  features: FeatureRowSchema,
  instances: RowsSchema,
  /** MLflow also accepts a columnar dict `{"inputs": {"col": [v1, v2]}}`. */
  inputs: z.union([RowsSchema, z.record(z.string(), z.array(z.unknown()))]),
  dataframe_records: z.array(FeatureRowSchema),
  dataframe_split: z.object({
    columns: z.array(z.string()),
    data: z.array(PositionalRowSchema),
    index: z.array(z.unknown()).optional(),
  }),
} as const;
export type PredictFormat = keyof typeof PredictFormatSchemas;
