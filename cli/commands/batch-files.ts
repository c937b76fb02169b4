import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename, dirname, extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from 'commander';
import type { CirrusClient } from '../client.js';
import { seg } from '../client.js';

/** `s3://…` is a location in S3; anything else is a local file or folder. */
export const isS3 = (location: string) => location.startsWith('s3://');

interface Uploads {
  input: string;
  output: string;
  uploads: { file: string; uri: string; url: string }[];
}

/** The files of a local `--input`: the file itself, or a folder's files (not recursive), by name. */
async function localFiles(path: string): Promise<{ name: string; path: string }[]> {
  const info = await stat(path).catch(() => {
    throw new InvalidArgumentError(`--input: '${path}' is neither s3://… nor an existing file or folder`);
  });
  if (info.isFile()) return [{ name: basename(path), path }];
  const names = (await readdir(path, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new InvalidArgumentError(`--input: the folder '${path}' has no files`);
  return names.map((name) => ({ name, path: join(path, name) }));
}

/**
 * Resolves local `--input`/`--output` to S3 URIs: uploads the input file (or each file of the
 * folder) to presigned URLs of the artifact bucket, streaming; a local output gets a fresh
 * output prefix, downloaded by {@link downloadOutputs} when the job ends.
 */
export async function stageLocal(
  client: CirrusClient,
  input: string,
  output: string,
  log: (line: string) => void,
): Promise<{ input: string; output: string; format?: 'jsonl' }> {
  if (isS3(input) && isS3(output)) return { input, output };
  const files = isS3(input) ? [] : await localFiles(input);
  const staged = await client.post<Uploads>('/v1/batch-predictions/uploads', {
    files: files.map((f) => f.name),
  });
  for (const [i, file] of files.entries()) {
    await putFile(staged.uploads[i].url, file.path);
    log(`uploaded ${file.path} to ${staged.uploads[i].uri}`);
  }
  const single = files.length === 1 && (await stat(input)).isFile();
  // A folder's prefix has no extension to infer the format from: its files' names tell it.
  const jsonl = files.length > 0 && files.every((f) => /\.(jsonl|ndjson)$/i.test(f.name));
  return {
    input: isS3(input) ? input : single ? staged.uploads[0].uri : staged.input,
    output: isS3(output) ? output : staged.output,
    ...(jsonl ? { format: 'jsonl' as const } : {}),
  };
}

/**
 * Downloads an ended job's outputs to a local `--output`: into a folder (existing, or a path
 * ending in `/`) as `predictions-{job}.{fmt}` and `errors-{job}.csv`; to a file path as that file,
 * the errors beside it as `{name}.errors.csv`. Returns the paths written.
 */
export async function downloadOutputs(
  client: CirrusClient,
  jobId: string,
  target: string,
): Promise<{ predictions: string; errors: string }> {
  const links = await client.get<{
    predictions: { uri: string; url: string };
    errors: { uri: string; url: string };
  }>(`/v1/batch-predictions/${seg(jobId)}/downloads`);
  const isDir =
    target.endsWith('/') ||
    (await stat(target).then(
      (s) => s.isDirectory(),
      () => false,
    ));
  const paths = isDir
    ? {
        predictions: join(target, basename(links.predictions.uri)),
        errors: join(target, basename(links.errors.uri)),
      }
    : {
        predictions: target,
        errors: join(dirname(target), `${basename(target, extname(target))}.errors.csv`),
      };
  await getFile(links.predictions.url, paths.predictions);
  await getFile(links.errors.url, paths.errors);
  return paths;
}

/** PUTs a file to a presigned URL as a stream with its length (S3 takes no chunked PUT). */
async function putFile(url: string, path: string): Promise<void> {
  const { size } = await stat(path);
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  await new Promise<void>((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-length': size } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        (res.statusCode ?? 500) < 300
          ? resolve()
          : reject(
              new Error(
                `upload of ${path} failed: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString()}`,
              ),
            ),
      );
    });
    req.on('error', reject);
    createReadStream(path).on('error', reject).pipe(req);
  });
}

async function getFile(url: string, path: string): Promise<void> {
  const res = await fetch(url);
  if (!res.ok || !res.body)
    throw new Error(`download to ${path} failed: HTTP ${res.status} ${await res.text()}`);
  await mkdir(dirname(path), { recursive: true });
  await pipeline(
    Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
    createWriteStream(path),
  );
}
