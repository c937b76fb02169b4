import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CoreDeps } from '../deps.js';
import { Utf8Builder } from './utf8-builder.js';

/** S3's smallest part but the last. */
const PART_BYTES = 8 * 1024 * 1024;
/** Room past PART_BYTES for the write that crosses it, so a part's buffer rarely grows. */
const PART_SLACK_BYTES = 1024 * 1024;

/**
 * One output object written as a stream: bytes are collected into parts of PART_BYTES and uploaded
 * (multipart), one upload in flight while the next part fills, so memory holds two parts, never
 * the output. An output under one part is a single PutObject at `end`. `abort` drops an
 * unfinished upload.
 */
export class MultipartOutput {
  private pending = new Utf8Builder(PART_BYTES + PART_SLACK_BYTES);
  private total = 0;
  private uploadId: string | undefined;
  private readonly parts: { ETag?: string; PartNumber: number }[] = [];
  private uploading: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: CoreDeps,
    private readonly bucket: string,
    private readonly key: string,
  ) {}

  /** Appends `text` (strings UTF-8 encoded into the part); uploads a part once PART_BYTES are pending. */
  async write(text: string | Buffer): Promise<void> {
    const before = this.pending.length;
    if (typeof text === 'string') this.pending.append(text);
    else this.pending.appendBytes(text);
    this.total += this.pending.length - before;
    if (this.pending.length >= PART_BYTES) await this.flush();
  }

  /** Completes the object; returns its size in bytes. */
  async end(): Promise<number> {
    const { deps, bucket, key } = this;
    if (this.uploadId === undefined) {
      await deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: this.pending.take() }));
      return this.total;
    }
    if (this.pending.length > 0) await this.flush();
    await this.uploading;
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
    await this.uploading.catch(() => undefined);
    if (this.uploadId === undefined) return;
    await this.deps.s3
      .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: this.uploadId }))
      .catch(() => undefined);
  }

  /** Starts uploading the pending bytes as the next part, after the previous upload ended. */
  private async flush(): Promise<void> {
    const { deps, bucket, key } = this;
    await this.uploading;
    this.uploadId ??= (
      await deps.s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))
    ).UploadId;
    const UploadId = this.uploadId;
    const PartNumber = this.parts.length + 1;
    const part: { ETag?: string; PartNumber: number } = { PartNumber };
    this.parts.push(part);
    const body = this.pending.take();
    this.pending = new Utf8Builder(PART_BYTES + PART_SLACK_BYTES);
    this.uploading = deps.s3
      .send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body: body }))
      .then(({ ETag }) => {
        part.ETag = ETag;
      });
  }
}
