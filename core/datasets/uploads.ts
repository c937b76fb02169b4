import { randomUUID } from 'node:crypto';
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DatasetRecord } from '../../contracts/dataset.js';
import type { DatasetSchema } from '../../contracts/dataset-schema.js';
import {
  type CompleteDatasetUpload,
  type DatasetUpload,
  type DatasetUploadRequest,
  DatasetUploadRequestSchema,
  UploadIdSchema,
} from '../../contracts/dataset-upload.js';
import { SHA256_METADATA_KEY } from '../artifacts/index.js';
import { csvProfileOfStream } from '../data/index.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError, ValidationError } from '../errors.js';
import { checkedName, recordDatasetVersion } from './store.js';

/** How long a presigned upload URL stays valid. */
export const UPLOAD_URL_SECONDS = 3600;

/**
 * Where an upload's bytes wait for `complete`: under `datasets/` (the only prefix the presigning
 * function may write) but not a dataset name, since names start with a letter or digit.
 */
export const UPLOADS_PREFIX = 'datasets/_uploads/';
export const uploadKey = (uploadId: string) => `${UPLOADS_PREFIX}${uploadId}/data.csv`;
/** Where an upload's status after `complete` is kept (under the same lifecycle rule and grant). */
export const uploadStatusKey = (uploadId: string) => `${UPLOADS_PREFIX}${uploadId}/status.json`;

/**
 * Hands out a presigned PUT URL for a CSV of `bytes` bytes (one PUT: up to 5 GiB). The URL's
 * signature covers the key and the length, so it writes that one object of that size only.
 * @throws ValidationError naming `name` or `bytes`.
 */
export async function createDatasetUpload(
  deps: CoreDeps,
  input: DatasetUploadRequest,
): Promise<DatasetUpload> {
  const parsed = DatasetUploadRequestSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const uploadId = randomUUID();
  const command = new PutObjectCommand({
    Bucket: deps.bucket,
    Key: uploadKey(uploadId),
    ContentLength: parsed.data.bytes,
    ContentType: 'text/csv',
  });
  const url = await getSignedUrl(deps.s3, command, { expiresIn: UPLOAD_URL_SECONDS });
  const expiresAt = new Date(deps.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return { uploadId, method: 'PUT', url, headers: { 'content-type': 'text/csv' }, expiresAt };
}

/**
 * The checks that need no read of the file: a well-formed id, a valid name, an object uploaded
 * under the id, of the declared size. Resolves to the parsed upload id.
 * @throws ValidationError naming `uploadId`, `name` or `bytes`.
 */
export async function precheckDatasetUpload(
  deps: CoreDeps,
  uploadId: string,
  input: CompleteDatasetUpload,
): Promise<string> {
  const id = UploadIdSchema.safeParse(uploadId);
  if (!id.success)
    throw new ValidationError(`uploadId: '${uploadId.slice(0, 40)}' is not an upload id`, 'uploadId');
  checkedName(input.name);
  const size = await uploadedSize(deps, uploadKey(id.data), id.data);
  if (input.bytes !== undefined && input.bytes !== size)
    throw new ValidationError(`bytes: the upload holds ${size} bytes, the file has ${input.bytes}`, 'bytes');
  return id.data;
}

/**
 * Streams the uploaded object once (sha256, header, types, rows; never the whole file in memory),
 * checks it against what the client declared, then copies it to `datasets/{name}/{sha256}/data.csv`
 * and records the version. Every check runs before anything is written, so a refused upload
 * leaves no record and no dataset object.
 * @throws ValidationError naming `sha256`, `columns`, `name` or `csv` (the file itself).
 */
export async function registerUploadedObject(
  deps: CoreDeps,
  uploadId: string,
  input: CompleteDatasetUpload,
): Promise<DatasetRecord> {
  const name = checkedName(input.name);
  const key = uploadKey(uploadId);
  const object = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
  const body = object.Body as AsyncIterable<Uint8Array> | undefined;
  const { schema, values } = await csvProfileOfStream(body ?? [], { field: 'csv' });
  checkDeclared(schema, input);
  return recordDatasetVersion(deps, {
    name,
    schema,
    values,
    description: input.description,
    writeData: (dataKey) =>
      deps.s3.send(
        new CopyObjectCommand({
          Bucket: deps.bucket,
          Key: dataKey,
          CopySource: `${deps.bucket}/${key}`,
          MetadataDirective: 'REPLACE',
          ContentType: 'text/csv',
          Metadata: { [SHA256_METADATA_KEY]: schema.sha256 },
        }),
      ),
  });
}

async function uploadedSize(deps: CoreDeps, key: string, uploadId: string): Promise<number> {
  try {
    const head = await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key }));
    return head.ContentLength ?? 0;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404) throw error;
    throw new ValidationError(
      `uploadId: nothing was uploaded for upload ${uploadId} (PUT the file to its url first, before it expires)`,
      'uploadId',
    );
  }
}

/** The client's own reading of the file (size, sha256, header) must match what arrived. */
function checkDeclared(schema: DatasetSchema, input: CompleteDatasetUpload): void {
  if (input.sha256 !== undefined && input.sha256 !== schema.sha256)
    throw new ValidationError(
      `sha256: the upload's bytes hash to ${schema.sha256}, the file's to ${input.sha256}`,
      'sha256',
    );
  const names = schema.columns.map((c) => c.name);
  if (input.columns === undefined) return;
  const differs =
    input.columns.length !== names.length || input.columns.some((c, i) => c.trim() !== names[i]);
  if (differs)
    throw new ValidationError(
      `columns: the upload's header is [${names.join(', ')}], expected [${input.columns.join(', ')}]`,
      'columns',
    );
}
