import * as z from 'zod';
import { DatasetNameSchema } from './dataset.js';

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
