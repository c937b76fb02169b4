import { StringDecoder } from 'node:string_decoder';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { CsvHeader } from '../../core/batch/csv-row.js';
import { StatesError } from './states-error.js';

/** A Distributed Map's `ItemReader`, its `Parameters` already evaluated. */
export interface ItemReaderSpec {
  readonly Resource: string;
  readonly ReaderConfig?: {
    readonly InputType?: string;
    readonly CSVHeaderLocation?: string;
    readonly Transformation?: string;
    readonly MaxItems?: number;
  };
  readonly Parameters: { readonly Bucket?: string; readonly Key?: string; readonly Prefix?: string };
}

const GET_OBJECT = 'arn:aws:states:::s3:getObject';
const LIST_OBJECTS = 'arn:aws:states:::s3:listObjectsV2';

/**
 * Streams the items of an ItemReader as Step Functions reads them: `s3:getObject` reads one
 * object; `s3:listObjectsV2` yields each object's metadata, or with `Transformation:
 * LOAD_AND_FLATTEN` the items inside every listed object, in key order. CSV items are objects of
 * strings keyed by the header (`CSVHeaderLocation: FIRST_ROW`, per object); JSONL items are the
 * parsed lines. Objects are read chunk by chunk, never whole; items come in arrays, one per
 * chunk read, so a million rows cost no million awaits. JSON, PARQUET and MANIFEST are not
 * implemented locally and are refused by name.
 */
export async function* readItemChunks(s3: S3Client, spec: ItemReaderSpec): AsyncGenerator<unknown[]> {
  const config = spec.ReaderConfig ?? {};
  const { Bucket, Key, Prefix } = spec.Parameters;
  if (!Bucket) throw readerError('ItemReader.Parameters.Bucket is required');
  let left = config.MaxItems ?? Number.POSITIVE_INFINITY;
  const take = async function* (chunks: AsyncIterable<unknown[]>) {
    for await (const chunk of chunks) {
      if (left <= 0) return;
      const items = chunk.length > left ? chunk.slice(0, left) : chunk;
      left -= items.length;
      if (items.length > 0) yield items;
    }
  };
  if (spec.Resource === GET_OBJECT) {
    if (!Key) throw readerError('ItemReader.Parameters.Key is required with s3:getObject');
    yield* take(objectItems(s3, Bucket, Key, config.InputType, config.CSVHeaderLocation));
    return;
  }
  if (spec.Resource !== LIST_OBJECTS)
    throw readerError(`ItemReader.Resource ${spec.Resource} is not supported`);
  for await (const object of listObjects(s3, Bucket, Prefix ?? '')) {
    if (left <= 0) return;
    if (config.Transformation !== 'LOAD_AND_FLATTEN') {
      left--;
      yield [object];
      continue;
    }
    if (object.Key.endsWith('/') || object.Size === 0) continue;
    yield* take(objectItems(s3, Bucket, object.Key, config.InputType, config.CSVHeaderLocation));
  }
}

interface ListedObject {
  readonly Key: string;
  readonly Size: number;
  readonly Etag?: string;
  readonly LastModified?: string;
  readonly StorageClass?: string;
}

async function* listObjects(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      yield {
        Key: o.Key ?? '',
        Size: o.Size ?? 0,
        Etag: o.ETag,
        LastModified: o.LastModified?.toISOString(),
        StorageClass: o.StorageClass,
      };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

async function* objectItems(
  s3: S3Client,
  bucket: string,
  key: string,
  inputType: string | undefined,
  headerLocation: string | undefined,
): AsyncGenerator<unknown[]> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const chunks = lineChunks(object.Body as AsyncIterable<Uint8Array>);
  if (inputType === 'JSONL') {
    let n = 0;
    for await (const lines of chunks) {
      const items: unknown[] = [];
      for (const line of lines) {
        n++;
        if (line.trim() === '') continue;
        try {
          items.push(JSON.parse(line));
        } catch {
          throw readerError(`s3://${bucket}/${key} line ${n}: not valid JSON`);
        }
      }
      yield items;
    }
    return;
  }
  if (inputType !== 'CSV') throw readerError(`ReaderConfig.InputType ${inputType} is not supported locally`);
  if (headerLocation !== 'FIRST_ROW')
    throw readerError('ReaderConfig.CSVHeaderLocation must be FIRST_ROW locally');
  let header: string[] | undefined;
  let shared: CsvHeader | undefined;
  const item = (fields: string[]): Record<string, string> => {
    const h = header as string[];
    if (shared && fields.length >= h.length) return shared.object(fields);
    const out: Record<string, string> = {};
    for (let j = 0; j < h.length && j < fields.length; j++) out[h[j]] = fields[j];
    return out;
  };
  const records = new CsvRecords();
  for await (const lines of chunks) {
    const items: unknown[] = [];
    for (const record of records.push(lines)) {
      if (header) items.push((typeof record === 'string' && shared?.row(record)) || item(fieldsOf(record)));
      else {
        header = fieldsOf(record);
        shared = CsvHeader.of(header);
      }
    }
    yield items;
  }
  const last = records.end();
  if (last && header) yield [item(last)];
}

const fieldsOf = (record: string | string[]) => (typeof record === 'string' ? record.split(',') : record);

/**
 * The lines of a byte stream as readline splits them (`\n`, `\r\n` or a lone `\r`; a last line
 * without a break counts), UTF-8 decoded, one array per chunk read.
 */
export async function* lineChunks(body: AsyncIterable<Uint8Array>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of body) {
    let text = rest + decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    // A \r at the end may be the first half of \r\n: wait for the next chunk.
    const held = text.endsWith('\r') ? '\r' : '';
    if (held) text = text.slice(0, -1);
    const lines = text.includes('\r') ? text.split(/\r\n|\r|\n/) : text.split('\n');
    rest = (lines.pop() as string) + held;
    if (lines.length > 0) yield lines;
  }
  const text = rest + decoder.end();
  if (text === '') return;
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  yield lines;
}

/** RFC 4180 records from lines: quoted fields may hold commas, doubled quotes and line breaks. */
class CsvRecords {
  private pending = '';

  /**
   * The records the lines complete, in order: a line without quotes as itself (split it on
   * commas), a quoted record as its fields. A record whose quote is still open waits.
   */
  push(lines: readonly string[]): (string | string[])[] {
    const out: (string | string[])[] = [];
    for (const line of lines) {
      if (this.pending === '' && !line.includes('"')) {
        if (line !== '') out.push(line);
        continue;
      }
      this.pending = this.pending === '' ? line : `${this.pending}\n${line}`;
      if (countQuotes(this.pending) % 2 === 1) continue; // a quoted field goes on to the next line
      if (this.pending !== '') out.push(splitCsv(this.pending));
      this.pending = '';
    }
    return out;
  }

  /** The record left open at the end of the input, if any. */
  end(): string[] | undefined {
    const last = this.pending;
    this.pending = '';
    return last === '' ? undefined : splitCsv(last);
  }
}

function countQuotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n;
}

function splitCsv(record: string): string[] {
  if (!record.includes('"')) return record.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const c = record[i];
    if (quoted) {
      if (c === '"' && record[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

function readerError(message: string): StatesError {
  return new StatesError('States.ItemReaderFailed', message);
}
