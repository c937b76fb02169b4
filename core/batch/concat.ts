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
/** Source objects read ahead, in order: each GET is a round trip, and a job has one per batch. */
const READ_AHEAD = 8;

/**
 * Writes `header` then the objects `keys` in order into one object, streaming: sources are read
 * READ_AHEAD at a time (each is one batch's part, small) and parts of PART_BYTES are uploaded
 * (multipart), so memory holds one part and the read-ahead, never the output. An output under
 * one part is a single PutObject.
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
    for await (const body of prefetched(deps, bucket, keys)) {
      pending.push(body);
      pendingBytes += body.length;
      total += body.length;
      if (pendingBytes >= PART_BYTES) await flush();
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

/** The objects' bodies in key order, with up to READ_AHEAD GETs in flight. */
async function* prefetched(deps: CoreDeps, bucket: string, keys: readonly string[]): AsyncGenerator<Buffer> {
  const read = async (key: string) => {
    const { Body } = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from((await Body?.transformToByteArray()) ?? []);
  };
  const ahead: Promise<Buffer>[] = [];
  let next = 0;
  try {
    while (next < keys.length || ahead.length > 0) {
      while (next < keys.length && ahead.length < READ_AHEAD) {
        const body = read(keys[next++]);
        body.catch(() => undefined); // surfaced when its turn comes, not as an unhandled rejection
        ahead.push(body);
      }
      yield await (ahead.shift() as Promise<Buffer>);
    }
  } finally {
    // A failed read or an abandoned loop: settle the reads still in flight (errors already surfaced).
    await Promise.allSettled(ahead);
  }
}
