import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseS3Uri } from '../../core/artifacts/uri.js';

/** Joins an S3 URI prefix and key parts with single slashes, as SageMaker builds output paths. */
export function joinS3Uri(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts.map((p) => p.replace(/^\/+|\/+$/g, ''))].join('/');
}

/**
 * Downloads every object under an S3 prefix into `dir`, keeping paths relative to the prefix
 * (SageMaker's `S3Prefix` channel in File mode). Lists without a delimiter: s3rver drops
 * CommonPrefixes for deep keys. Returns the number of files written.
 */
export async function downloadPrefix(s3: S3Client, uri: string, dir: string): Promise<number> {
  const { bucket, key: prefix } = parseS3Uri(uri, 'S3Uri', { prefix: true });
  let count = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      // Like SageMaker: plain prefix match; a prefix naming one object yields that object.
      const rel = key === prefix ? basename(key) : key.slice(prefix.length).replace(/^\/+/, '');
      if (!rel || key.endsWith('/')) continue;
      const target = join(dir, ...rel.split('/'));
      if (relative(dir, target).startsWith(`..${sep}`)) throw new Error(`S3 key escapes the channel: ${key}`);
      await mkdir(dirname(target), { recursive: true });
      const body = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      // Streamed to disk: a channel file (a million-row CSV) never sits in this process's memory.
      await pipeline(body.Body as Readable, createWriteStream(target));
      count += 1;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return count;
}

/** Uploads one local file to an `s3://` URI. */
export async function uploadFile(
  s3: S3Client,
  file: string,
  uri: string,
  contentType: string,
): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  const body = await readFile(file);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}
