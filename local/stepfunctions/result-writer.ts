import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Utf8Builder } from '../../core/batch/utf8-builder.js';

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
/** Room past RESULT_FILE_BYTES for the entry that crosses it, so an ASCII file's buffer never grows. */
const FILE_SLACK_BYTES = 1024 * 1024;

/** A result file being filled: its entries encoded as they come, `chars` counted as before. */
interface OpenFile {
  body: Utf8Builder;
  entries: number;
  chars: number;
}

/**
 * Exports child results as Step Functions' ResultWriter does: under `{Prefix}/{mapRunId}/`,
 * `SUCCEEDED_n.json`, `FAILED_n.json` (JSON array or, with `OutputType: JSONL`, JSON Lines) and a
 * `manifest.json` listing them; the Map state's result is `{ MapRunArn, ResultWriterDetails }`.
 * Entries are encoded into the file's bytes as they come and flushed in files of ENTRIES_PER_FILE
 * or RESULT_FILE_BYTES (counted in UTF-16 units of the entries, plus one per separator), whichever
 * comes first, so a million-row run never holds them all.
 */
export class ResultExport {
  private readonly open: Record<Status, OpenFile | undefined> = { SUCCEEDED: undefined, FAILED: undefined };
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
    const entry = compact ? (result.Output ?? 'null') : JSON.stringify(result);
    const jsonl = this.spec.WriterConfig?.OutputType === 'JSONL';
    const file = (this.open[result.Status] ??= this.openFile(jsonl));
    if (!jsonl && file.entries > 0) file.body.append(',');
    file.body.append(entry);
    if (jsonl) file.body.append('\n');
    file.entries += 1;
    file.chars += entry.length + 1;
    if (file.entries >= ENTRIES_PER_FILE || file.chars >= RESULT_FILE_BYTES) this.flush(result.Status);
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

  private openFile(jsonl: boolean): OpenFile {
    const body = new Utf8Builder(RESULT_FILE_BYTES + FILE_SLACK_BYTES);
    if (!jsonl) body.append('[');
    return { body, entries: 0, chars: 0 };
  }

  private flush(status: Status): void {
    const file = this.open[status];
    if (file === undefined || file.entries === 0) return;
    this.open[status] = undefined;
    const Key = `${this.base}${status}_${this.files[status].length}.json`;
    if (this.spec.WriterConfig?.OutputType !== 'JSONL') file.body.append(']');
    // The bytes' length is the manifest's Size and the bytes the PUT's body.
    const body = file.body.take();
    this.files[status].push({ Key, Size: body.length });
    this.writes.push(this.put(Key, body));
  }

  private async put(key: string, body: string | Buffer): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
  }
}
