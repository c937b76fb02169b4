import * as z from 'zod';
import { DatasetNameSchema, DatasetRecordSchema } from './dataset.js';

/** The routes of a large CSV's path around the request-body limit: presigned PUT, then complete. */
export const UPLOAD_ROUTES = {
  create: '/v1/datasets/uploads',
  complete: '/v1/datasets/uploads/{uploadId}/complete',
} as const;

/** S3's limit on one PUT (5 GiB); a bigger file would need a multipart upload. */
export const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

/** `POST /v1/datasets/uploads`: ask for a URL to PUT a CSV of `bytes` bytes to. */
export const DatasetUploadRequestSchema = z.strictObject({
  name: DatasetNameSchema,
  bytes: z.number().int().min(1).max(MAX_SINGLE_PUT_BYTES, 'at most 5 GiB (one S3 PUT)'),
});
export type DatasetUploadRequest = z.infer<typeof DatasetUploadRequestSchema>;

/** Identifies one upload (a UUID): the object it names is `datasets/_uploads/{uploadId}/data.csv`. */
export const UploadIdSchema = z.uuid();

/** Where and how to PUT the file: a presigned URL valid until `expiresAt`. */
export const DatasetUploadSchema = z.object({
  uploadId: UploadIdSchema,
  method: z.literal('PUT'),
  url: z.url(),
  /** Headers the PUT must carry (the URL's signature covers them). */
  headers: z.record(z.string(), z.string()),
  expiresAt: z.iso.datetime(),
});
export type DatasetUpload = z.infer<typeof DatasetUploadSchema>;

/**
 * `POST /v1/datasets/uploads/{uploadId}/complete`: register the uploaded object as a version of
 * `name`. The optional checks fail with a 400 naming the field when the object disagrees.
 */
export const CompleteDatasetUploadSchema = z.strictObject({
  name: DatasetNameSchema,
  description: z.string().max(2000).optional(),
  /** The file's size as the client read it. */
  bytes: z.number().int().min(1).optional(),
  /** The file's sha256 as the client read it (the version it becomes). */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'a sha256 in lowercase hex')
    .optional(),
  /** The header the client read, in order. */
  columns: z.array(z.string()).min(1).optional(),
});
export type CompleteDatasetUpload = z.infer<typeof CompleteDatasetUploadSchema>;

/** `GET /v1/datasets/uploads/{uploadId}`: where a completed upload stands. */
export const UPLOAD_STATUS_ROUTE = '/v1/datasets/uploads/{uploadId}';

const StatusBase = { uploadId: UploadIdSchema, name: DatasetNameSchema, updatedAt: z.iso.datetime() };

/**
 * An upload after `complete`: `checking` while its object is streamed, checked and copied (in the
 * background: too long for one request), then `registered` with the dataset version it became, or
 * `failed` with the error naming the field, exactly as a synchronous 400 would.
 */
export const DatasetUploadStatusSchema = z.discriminatedUnion('status', [
  z.object({ ...StatusBase, status: z.literal('checking') }),
  z.object({ ...StatusBase, status: z.literal('registered'), dataset: DatasetRecordSchema }),
  z.object({
    ...StatusBase,
    status: z.literal('failed'),
    error: z.object({ message: z.string(), field: z.string().optional() }),
  }),
]);
export type DatasetUploadStatus = z.infer<typeof DatasetUploadStatusSchema>;

/** The background half of `complete`: what the asynchronous check is handed (on AWS, the event). */
export const UploadCheckJobSchema = z.strictObject({
  uploadId: UploadIdSchema,
  input: CompleteDatasetUploadSchema,
});
export type UploadCheckJob = z.infer<typeof UploadCheckJobSchema>;
