import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CoreDeps } from '../deps.js';

/** S3's smallest part but the last. */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * One output object written as a stream: bytes are collected into parts of PART_BYTES and uploaded
 * (multipart), so memory holds one part, never the output. An output under one part is a single
 * PutObject at `end`. `abort` drops an unfinished upload.
 */
export class MultipartOutput {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private total = 0;
  private uploadId: string | undefined;
  private readonly parts: { ETag?: string; PartNumber: number }[] = [];

  constructor(
    private readonly deps: CoreDeps,
    private readonly bucket: string,
    private readonly key: string,
  ) {}

  /** Appends `text`; uploads a part once PART_BYTES are pending. */
  async write(text: string | Buffer): Promise<void> {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    if (bytes.length === 0) return;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.total += bytes.length;
    if (this.pendingBytes >= PART_BYTES) await this.flush();
  }

  /** Completes the object; returns its size in bytes. */
  async end(): Promise<number> {
    const { deps, bucket, key } = this;
    if (this.uploadId === undefined) {
      await deps.s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.concat(this.pending) }),
      );
      return this.total;
    }
    if (this.pendingBytes > 0) await this.flush();
    await deps.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.parts },
      }),
    );
    return this.total;
  }

  /** Aborts the multipart upload, if one started (never throws). */
  async abort(): Promise<void> {
    if (this.uploadId === undefined) return;
    await this.deps.s3
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId }))
      .catch(() => undefined);
  }

  private async flush(): Promise<void> {
    const { deps, bucket, key } = this;
    this.uploadId ??= (
      await deps.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
    ).UploadId;
    const PartNumber = this.parts.length + 1;
    const body = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    const { ETag } = await deps.s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: this.uploadId, PartNumber, Body: body }),
    );
    this.parts.push({ ETag, PartNumber });
  }
}

/**
 * The results of `reads` in their order, with up to `ahead` of them in flight: each read is a
 * round trip (a GET), and in order one at a time would wait on every one.
 */
export async function* inOrder<T>(reads: readonly (() => Promise<T>)[], ahead: number): AsyncGenerator<T> {
  const started: Promise<T>[] = [];
  let next = 0;
  try {
    while (next < reads.length || started.length > 0) {
      while (next < reads.length && started.length < ahead) {
        const result = reads[next++]();
        result.catch(() => undefined); // surfaced when its turn comes, not as an unhandled rejection
        started.push(result);
      }
      yield await (started.shift() as Promise<T>);
    }
  } finally {
    // A failed read or an abandoned loop: settle the reads still in flight (errors already surfaced).
    await Promise.allSettled(started);
  }
}
