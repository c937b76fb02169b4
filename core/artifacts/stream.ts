import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CoreDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import { ArtifactIntegrityError } from './errors.js';
import { SHA256_METADATA_KEY, type GetArtifactInput, type StoredArtifact } from './store.js';
import { parseS3Uri, toS3Uri } from './uri.js';

/**
 * An artifact's bytes as a stream of chunks, never held whole. The sha256 (recorded at put time
 * and/or `expectedSha256`) is checked when the stream ends: a mismatch throws
 * ArtifactIntegrityError from the iteration, so callers must not commit anything before the end.
 */
export async function* readArtifactStream(
  deps: CoreDeps,
  input: GetArtifactInput,
): AsyncGenerator<Uint8Array> {
  const { bucket, key } = input.uri ? parseS3Uri(input.uri) : { bucket: deps.bucket, key: input.key ?? '' };
  const uri = toS3Uri(bucket, key);
  const response = await deps.s3
    .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    .catch((error: unknown) => {
      throw error instanceof NoSuchKey || error instanceof NotFound
        ? new NotFoundError('artifact', uri)
        : error;
    });
  const hash = createHash('sha256');
  for await (const chunk of (response.Body as AsyncIterable<Uint8Array> | undefined) ?? []) {
    hash.update(chunk);
    yield chunk;
  }
  const actual = hash.digest('hex');
  for (const expected of [response.Metadata?.[SHA256_METADATA_KEY], input.expectedSha256?.toLowerCase()]) {
    if (expected !== undefined && expected !== actual)
      throw new ArtifactIntegrityError(uri, expected, actual);
  }
}

/** S3's smallest part (but the last); parts are sent at this size. */
export const MULTIPART_PART_BYTES = 8 * 1024 * 1024;

export interface ArtifactWriter {
  /** Appends text (or bytes, kept by reference); sends a part whenever a part's worth is buffered (await it: backpressure). */
  write(text: string | Uint8Array): Promise<void>;
  /** Sends what is left and makes the object visible; one PutObject (with sha256 metadata) if small. */
  end(): Promise<StoredArtifact>;
  /** Drops the upload (nothing becomes visible). */
  abort(): Promise<void>;
}

/**
 * Writes an artifact as it is produced, holding at most one part in memory: a multipart upload
 * once the bytes exceed one part, else a single PutObject like `putArtifact`. A multipart object
 * carries no sha256 metadata (it is known only after the last part); `end` returns it.
 */
export function createArtifactWriter(
  deps: CoreDeps,
  input: { key: string; contentType?: string },
): ArtifactWriter {
  const target = { Bucket: deps.bucket, Key: input.key };
  const contentType = input.contentType ?? 'application/octet-stream';
  const hash = createHash('sha256');
  const parts: { ETag?: string; PartNumber: number }[] = [];
  let pending: (string | Uint8Array)[] = [];
  let pendingChars = 0;
  let size = 0;
  let uploadId: string | undefined;

  const take = (): Buffer => {
    const body = pending.every((p) => typeof p === 'string')
      ? Buffer.from(pending.join(''), 'utf8')
      : Buffer.concat(pending.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
    pending = [];
    pendingChars = 0;
    return body;
  };
  const sendPart = async (body: Buffer) => {
    uploadId ??= (
      await deps.s3.send(new CreateMultipartUploadCommand({ ...target, ContentType: contentType }))
    ).UploadId;
    const PartNumber = parts.length + 1;
    const out = await deps.s3.send(
      new UploadPartCommand({ ...target, UploadId: uploadId, PartNumber, Body: body }),
    );
    parts.push({ ETag: out.ETag, PartNumber });
  };
  return {
    async write(text) {
      if (typeof text === 'string') hash.update(text, 'utf8');
      else hash.update(text);
      pending.push(text);
      pendingChars += text.length;
      // Characters (or bytes) never outnumber UTF-8 bytes: a part sent here is at least MULTIPART_PART_BYTES.
      if (pendingChars >= MULTIPART_PART_BYTES) {
        const body = take();
        size += body.length;
        await sendPart(body);
      }
    },
    async end() {
      const sha256 = hash.digest('hex');
      const body = take();
      size += body.length;
      if (uploadId === undefined) {
        await deps.s3.send(
          new PutObjectCommand({
            ...target,
            Body: body,
            ContentType: contentType,
            Metadata: { [SHA256_METADATA_KEY]: sha256 },
          }),
        );
      } else {
        if (body.length > 0) await sendPart(body);
        await deps.s3.send(
          new CompleteMultipartUploadCommand({
            ...target,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
          }),
        );
      }
      return { uri: toS3Uri(deps.bucket, input.key), key: input.key, sha256, size };
    },
    async abort() {
      pending = [];
      pendingChars = 0;
      if (uploadId !== undefined)
        await deps.s3
          .send(new AbortMultipartUploadCommand({ ...target, UploadId: uploadId }))
          .catch(() => undefined);
    },
  };
}
