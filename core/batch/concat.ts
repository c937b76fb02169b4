import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CoreDeps } from '../deps.js';

/** S3's smallest part but the last. */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * Writes `header` then the objects `keys` in order into one object, streaming: each source is read
 * as a stream and parts of PART_BYTES are uploaded (multipart), so memory holds one part, never
 * the output. An output under one part is a single PutObject.
 */
export async function concatObjects(
  deps: CoreDeps,
  bucket: string,
  target: string,
  header: string,
  keys: readonly string[],
): Promise<number> {
  let pending: Buffer[] = [Buffer.from(header)];
  let pendingBytes = pending[0].length;
  let total = 0;
  let uploadId: string | undefined;
  const parts: { ETag?: string; PartNumber: number }[] = [];
  const flush = async () => {
    uploadId ??= (await deps.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: target })))
      .UploadId;
    const PartNumber = parts.length + 1;
    const body = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    const { ETag } = await deps.s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: target, UploadId: uploadId, PartNumber, Body: body }),
    );
    parts.push({ ETag, PartNumber });
  };
  try {
    for (const key of keys) {
      const { Body } = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      for await (const chunk of Body as AsyncIterable<Uint8Array>) {
        pending.push(Buffer.from(chunk));
        pendingBytes += chunk.length;
        total += chunk.length;
        if (pendingBytes >= PART_BYTES) await flush();
      }
    }
    if (uploadId === undefined) {
      await deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: target, Body: Buffer.concat(pending) }));
      return total;
    }
    if (pendingBytes > 0) await flush();
    await deps.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: target,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    return total;
  } catch (error) {
    if (uploadId)
      await deps.s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: target, UploadId: uploadId }))
        .catch(() => undefined);
    throw error;
  }
}
