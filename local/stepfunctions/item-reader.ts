import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { StatesError } from './payload-template.js';

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
 * parsed lines. Objects are read line by line, never whole. JSON, PARQUET and MANIFEST are not
 * implemented locally and are refused by name.
 */
export async function* readItems(s3: S3Client, spec: ItemReaderSpec): AsyncGenerator<unknown> {
  const config = spec.ReaderConfig ?? {};
  const { Bucket, Key, Prefix } = spec.Parameters;
  if (!Bucket) throw readerError('ItemReader.Parameters.Bucket is required');
  let count = 0;
  const max = config.MaxItems ?? Number.POSITIVE_INFINITY;
  const take = async function* (items: AsyncIterable<unknown>) {
    for await (const item of items) {
      if (count++ >= max) return;
      yield item;
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
    if (config.Transformation !== 'LOAD_AND_FLATTEN') {
      if (count++ >= max) return;
      yield object;
      continue;
    }
    if (object.Key.endsWith('/') || object.Size === 0) continue;
    yield* take(objectItems(s3, Bucket, object.Key, config.InputType, config.CSVHeaderLocation));
    if (count >= max) return;
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
): AsyncGenerator<unknown> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const lines = createInterface({ input: object.Body as Readable, crlfDelay: Number.POSITIVE_INFINITY });
  if (inputType === 'JSONL') {
    let n = 0;
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      try {
        yield JSON.parse(line);
      } catch {
        throw readerError(`s3://${bucket}/${key} line ${n}: not valid JSON`);
      }
    }
    return;
  }
  if (inputType !== 'CSV') throw readerError(`ReaderConfig.InputType ${inputType} is not supported locally`);
  if (headerLocation !== 'FIRST_ROW')
    throw readerError('ReaderConfig.CSVHeaderLocation must be FIRST_ROW locally');
  let header: string[] | undefined;
  let make: ((fields: string[]) => Record<string, string>) | undefined;
  for await (const fields of csvRecords(lines)) {
    if (!header) {
      header = fields;
      make = rowMaker(header);
      continue;
    }
    if (make && fields.length >= header.length) {
      yield make(fields);
      continue;
    }
    const item: Record<string, string> = {};
    for (let j = 0; j < header.length && j < fields.length; j++) item[header[j]] = fields[j];
    yield item;
  }
}

/**
 * A function building a row object keyed by the header from a full record (extra fields are
 * dropped), as an object literal: every row shares one V8 shape, which is faster to build,
 * read and serialize than keys added one by one. Undefined (the plain loop is used) when the
 * header repeats a name or holds `__proto__`, where a literal would differ from assignment.
 */
function rowMaker(header: readonly string[]): ((fields: string[]) => Record<string, string>) | undefined {
  if (new Set(header).size !== header.length || header.includes('__proto__')) return undefined;
  const body = header.map((name, j) => `${JSON.stringify(name)}: f[${j}]`).join(', ');
  return new Function('f', `return { ${body} };`) as (fields: string[]) => Record<string, string>;
}

/** RFC 4180 records from lines: quoted fields may hold commas, doubled quotes and line breaks. */
async function* csvRecords(lines: AsyncIterable<string>): AsyncGenerator<string[]> {
  let pending = '';
  for await (const line of lines) {
    pending = pending === '' ? line : `${pending}\n${line}`;
    if (countQuotes(pending) % 2 === 1) continue; // a quoted field goes on to the next line
    if (pending !== '') yield splitCsv(pending);
    pending = '';
  }
  if (pending !== '') yield splitCsv(pending);
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
