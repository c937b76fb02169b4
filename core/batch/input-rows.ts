import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { BatchFormat } from '../../contracts/batch.js';
import type { S3Location } from '../artifacts/uri.js';
import type { CoreDeps } from '../deps.js';

/**
 * A batch job's input rows as the ItemReader reads them (every object under the key, in key
 * order; CSV cells as strings keyed by each object's header, JSON Lines objects), streamed line
 * by line. Lines that are not JSON objects are skipped: they are the job's bad rows.
 */
export async function* inputRows(
  deps: CoreDeps,
  input: S3Location,
  format: BatchFormat,
): AsyncGenerator<Record<string, unknown>> {
  let token: string | undefined;
  do {
    const page = await deps.s3.send(
      new ListObjectsV2Command({ Bucket: input.bucket, Prefix: input.key, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key || object.Key.endsWith('/') || !object.Size) continue;
      yield* objectRows(deps, input.bucket, object.Key, format);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

async function* objectRows(deps: CoreDeps, bucket: string, key: string, format: BatchFormat) {
  const { Body } = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const lines = createInterface({ input: Body as Readable, crlfDelay: Number.POSITIVE_INFINITY });
  let header: string[] | undefined;
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      if (format === 'jsonl') {
        const value = parseJson(line);
        if (typeof value === 'object' && value !== null && !Array.isArray(value))
          yield value as Record<string, unknown>;
        continue;
      }
      const cells = splitCsvLine(line);
      if (!header) header = cells;
      else yield Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
    }
  } finally {
    lines.close();
    (Body as Readable).destroy();
  }
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** One CSV record on one line (RFC 4180 quoting within the line). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
