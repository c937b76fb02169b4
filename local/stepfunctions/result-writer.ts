import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** A Distributed Map's `ResultWriter`, its `Parameters` already evaluated. */
export interface ResultWriterSpec {
  readonly Resource?: string;
  readonly WriterConfig?: { readonly Transformation?: string; readonly OutputType?: string };
  readonly Parameters?: { readonly Bucket?: string; readonly Prefix?: string };
}

/** One child execution's entry in a result file (Transformation NONE; COMPACT keeps Output only for successes). */
export interface ChildResult {
  readonly ExecutionArn: string;
  readonly Name: string;
  readonly Input: string;
  readonly Status: 'SUCCEEDED' | 'FAILED';
  readonly StartDate: string;
  readonly StopDate: string;
  readonly StateMachineArn: string;
  readonly Output?: string;
  readonly Error?: string;
  readonly Cause?: string;
}

type Status = 'SUCCEEDED' | 'FAILED';
/** Entries per result file before a new one starts (AWS splits at 5 GB; locally memory stays bounded). */
const ENTRIES_PER_FILE = 2000;
/** Bytes of entries per result file before a new one starts (results may carry a batch's output lines). */
export const RESULT_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Exports child results as Step Functions' ResultWriter does: under `{Prefix}/{mapRunId}/`,
 * `SUCCEEDED_n.json`, `FAILED_n.json` (JSON array or, with `OutputType: JSONL`, JSON Lines) and a
 * `manifest.json` listing them; the Map state's result is `{ MapRunArn, ResultWriterDetails }`.
 * Entries are kept as JSON text and flushed in files of ENTRIES_PER_FILE or RESULT_FILE_BYTES,
 * whichever comes first, so a million-row run never holds them all.
 */
export class ResultExport {
  private readonly buffers: Record<Status, { entries: string[]; bytes: number }> = {
    SUCCEEDED: { entries: [], bytes: 0 },
    FAILED: { entries: [], bytes: 0 },
  };
  private readonly files: Record<Status | 'PENDING', { Key: string; Size: number }[]> = {
    SUCCEEDED: [],
    FAILED: [],
    PENDING: [],
  };
  private readonly writes: Promise<void>[] = [];
  private readonly base: string;
  private readonly bucket: string;

  constructor(
    private readonly s3: S3Client,
    private readonly spec: ResultWriterSpec,
    private readonly mapRunArn: string,
  ) {
    const prefix = spec.Parameters?.Prefix ?? '';
    this.bucket = spec.Parameters?.Bucket ?? '';
    const mapRunId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
    this.base = `${prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`}${mapRunId}/`;
  }

  /**
   * COMPACT keeps a success's Output alone: it is JSON.stringify's text already, so it is written
   * as it is (the same bytes JSON.parse + JSON.stringify would give).
   */
  add(result: ChildResult): void {
    const compact = this.spec.WriterConfig?.Transformation === 'COMPACT' && result.Status === 'SUCCEEDED';
    const buffer = this.buffers[result.Status];
    const entry = compact ? (result.Output ?? 'null') : JSON.stringify(result);
    buffer.entries.push(entry);
    buffer.bytes += entry.length + 1;
    if (buffer.entries.length >= ENTRIES_PER_FILE || buffer.bytes >= RESULT_FILE_BYTES)
      this.flush(result.Status);
  }

  /** Writes what is left and the manifest; returns the Map state's result. */
  async finish(): Promise<{ MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } }> {
    this.flush('SUCCEEDED');
    this.flush('FAILED');
    await Promise.all(this.writes);
    const manifest = {
      DestinationBucket: this.bucket,
      MapRunArn: this.mapRunArn,
      ResultFiles: this.files,
    };
    const Key = `${this.base}manifest.json`;
    await this.put(Key, JSON.stringify(manifest));
    return { MapRunArn: this.mapRunArn, ResultWriterDetails: { Bucket: this.bucket, Key } };
  }

  private flush(status: Status): void {
    const { entries } = this.buffers[status];
    if (entries.length === 0) return;
    this.buffers[status] = { entries: [], bytes: 0 };
    const Key = `${this.base}${status}_${this.files[status].length}.json`;
    // One UTF-8 encoding: its length is the manifest's Size and its bytes the PUT's body.
    const body = Buffer.from(
      this.spec.WriterConfig?.OutputType === 'JSONL' ? entries.join('\n') + '\n' : `[${entries.join(',')}]`,
    );
    this.files[status].push({ Key, Size: body.length });
    this.writes.push(this.put(Key, body));
  }

  private async put(key: string, body: string | Buffer): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
  }
}
