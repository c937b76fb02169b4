import * as z from 'zod';

/** Largest ItemBatcher batch a job may ask for: 256 KiB of state data less room for the child Task's Parameters. */
export const MAX_BATCH_BYTES = 256_000;

/** Row formats a batch job reads and writes. */
export const BatchFormatSchema = z.enum(['csv', 'jsonl']);
export type BatchFormat = z.infer<typeof BatchFormatSchema>;

const S3UriSchema = z
  .string()
  .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/, 'must be an s3://bucket/key URI');

/** `POST /v1/endpoints/{name}/batch-predictions`. */
export const BatchPredictRequestSchema = z.strictObject({
  /** One object, or a prefix ending in `/` whose objects are all read (in key order). */
  input: S3UriSchema,
  /** A prefix (ending in `/`): predictions, errors and the job's work files go under it. */
  output: S3UriSchema.refine((u) => u.endsWith('/'), 'must be a prefix ending in /'),
  /** @default from the input's extension: `.jsonl`/`.ndjson` is jsonl, anything else csv */
  format: BatchFormatSchema.optional(),
  /** @default the input's format */
  outputFormat: BatchFormatSchema.optional(),
  /** A column copied to each output row as its key. @default the row number */
  keyColumn: z.string().min(1).optional(),
  /** Child executions at once (Distributed Map MaxConcurrency). */
  maxConcurrency: z.number().int().min(1).max(10_000).default(10),
  /** Rows per child (ItemBatcher MaxItemsPerBatch). */
  batchSize: z.number().int().min(1).max(10_000).default(1000),
  /**
   * Bytes per child's input (ItemBatcher MaxInputBytesPerBatch). At most 256,000: the child Task
   * wraps the batch in its Parameters (FunctionName, Payload), and that input must stay under
   * Step Functions' 262,144-byte state-data limit.
   */
  maxBatchBytes: z.number().int().min(1024).max(MAX_BATCH_BYTES).default(MAX_BATCH_BYTES),
  /** Failed batches tolerated before the job fails (ToleratedFailurePercentage). */
  toleratedFailurePercentage: z.number().min(0).max(100).default(0),
});
export type BatchPredictRequest = z.input<typeof BatchPredictRequestSchema>;

export const BatchJobStatusSchema = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']);

export const BatchRowCountsSchema = z.object({
  /** Rows read from the input. */
  total: z.number().int().min(0),
  scored: z.number().int().min(0),
  /** Rows that failed validation (in the errors file). */
  invalid: z.number().int().min(0),
  /** Rows of batches that failed as a whole (listed in the failed-batches manifest). */
  failed: z.number().int().min(0),
});

/** A batch job as stored (tracking table) and returned by the API. */
export const BatchJobSchema = z.object({
  jobId: z.string(),
  endpoint: z.string(),
  model: z.string(),
  /** Pinned when the job starts: every batch uses this version. */
  version: z.number().int().positive(),
  status: BatchJobStatusSchema,
  input: z.string(),
  output: z.string(),
  format: BatchFormatSchema,
  outputFormat: BatchFormatSchema,
  keyColumn: z.string().optional(),
  maxConcurrency: z.number().int(),
  batchSize: z.number().int(),
  toleratedFailurePercentage: z.number(),
  executionId: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  durationMs: z.number().min(0).optional(),
  /** The predictions object, once assembled. */
  predictionsUri: z.string().optional(),
  /** `row,reason` of every invalid row. */
  errorsUri: z.string().optional(),
  /** The ResultWriter manifest (its FAILED files list the failed batches with their input). */
  manifestUri: z.string().optional(),
  rows: BatchRowCountsSchema.optional(),
  batches: z.object({ total: z.number().int(), failed: z.number().int() }).optional(),
  error: z.string().optional(),
});
export type BatchJob = z.infer<typeof BatchJobSchema>;

/** Live counts while a job runs (the Map Run's). */
export const BatchProgressSchema = z.object({
  rowsRead: z.number().int(),
  rowsDone: z.number().int(),
  rowsFailed: z.number().int(),
  readerDone: z.boolean(),
  batches: z.number().int(),
  batchesFailed: z.number().int(),
});
export type BatchProgress = z.infer<typeof BatchProgressSchema>;

export const BatchJobViewSchema = BatchJobSchema.extend({ progress: BatchProgressSchema.optional() });
export type BatchJobView = z.infer<typeof BatchJobViewSchema>;

const LocationSchema = z.object({ bucket: z.string(), prefix: z.string() });

/** The input of batch-predict.asl.json. */
export const BatchExecutionInputSchema = z.object({
  jobId: z.string(),
  model: z.string(),
  version: z.number().int().positive(),
  keyColumn: z.string().nullable(),
  input: LocationSchema.extend({ format: BatchFormatSchema }),
  output: LocationSchema.extend({
    format: BatchFormatSchema,
    /** ResultWriter prefix. */
    resultsPrefix: z.string(),
    /** Where each batch writes its part. */
    partsPrefix: z.string(),
  }),
  batch: z.object({ maxItems: z.number().int(), maxBytes: z.number().int() }),
  maxConcurrency: z.number().int(),
  toleratedFailurePercentage: z.number(),
});
export type BatchExecutionInput = z.infer<typeof BatchExecutionInputSchema>;

/** What one child execution receives: the ItemBatcher's `{ BatchInput, Items }`. */
export const ScoreBatchInputSchema = z.object({
  BatchInput: BatchExecutionInputSchema.pick({
    jobId: true,
    model: true,
    version: true,
    keyColumn: true,
    output: true,
  }).extend({ inputFormat: BatchFormatSchema }),
  /**
   * ItemSelector: `row` is `$$.Map.Item.Index`, `values` the CSV or JSON Lines item. A JSON Lines
   * line may hold any JSON value; one that is not an object is a bad row (the errors file).
   */
  Items: z.array(z.object({ row: z.number().int().min(0), values: z.unknown() })).min(1),
});
export type ScoreBatchInput = z.infer<typeof ScoreBatchInputSchema>;

export const ScoreBatchResultSchema = z.object({
  firstRow: z.number().int(),
  rows: z.number().int(),
  scored: z.number().int(),
  invalid: z.number().int(),
  part: z.string().nullable(),
  errorsPart: z.string().nullable(),
  /** The batch's output lines (each ending in a newline) when returned inline instead of as `part`. */
  lines: z.string().optional(),
  /** Its bad rows (`row,reason` lines) when returned inline instead of as `errorsPart`. */
  errorLines: z.string().optional(),
});
export type ScoreBatchResult = z.infer<typeof ScoreBatchResultSchema>;

/** `POST /v1/batch-predictions/uploads`: the local files a job will read (plain names). */
export const BatchUploadsRequestSchema = z.strictObject({
  files: z.array(z.string()).max(1000).default([]),
});

/** Where to PUT each file, the input URI naming them all, and a fresh output prefix. */
export const BatchUploadsResponseSchema = z.object({
  input: z.string(),
  output: z.string(),
  uploads: z.array(z.object({ file: z.string(), uri: z.string(), url: z.string() })),
  expiresInSeconds: z.number().int(),
});

const DownloadSchema = z.object({ uri: z.string(), url: z.string() });
/** `GET /v1/batch-predictions/{jobId}/downloads`: presigned GET URLs of an ended job's outputs. */
export const BatchDownloadsResponseSchema = z.object({
  predictions: DownloadSchema,
  errors: DownloadSchema,
  expiresInSeconds: z.number().int(),
});
