import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CirrusClient } from '../client.js';
import { ApiError, seg } from '../client.js';
import type { DatasetRecord } from '../types.js';

/**
 * Files above this size go through a presigned upload: sent inline, a CSV becomes a JSON string
 * (escaping grows it) in a request body the API caps at 6 MB (Lambda's payload limit).
 */
export const INLINE_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;

interface DatasetUpload {
  uploadId: string;
  url: string;
  headers: Record<string, string>;
}

/** A one-line progress bar: `[##########----------]  50%  75.0/150.0 MB`. */
export function progressBar(done: number, total: number, width = 30): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(share * width);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${mb(done)}/${mb(total)} MB`;
}

/** Reports progress: redrawn in place on a terminal, a line per quarter otherwise (logs, CI). */
function progressReporter(total: number, log: (line: string) => void): (done: number) => void {
  const tty = process.stderr.isTTY === true;
  let quarter = 0;
  return (done) => {
    if (tty) {
      process.stderr.write(`\r${progressBar(done, total)}${done >= total ? '\n' : ''}`);
      return;
    }
    const reached = Math.floor((4 * done) / total);
    if (reached > quarter) {
      quarter = reached;
      log(progressBar(done, total));
    }
  };
}

/** PUTs the file to a presigned URL as a stream, hashing it on the way; resolves to its sha256. */
async function putStreaming(
  upload: DatasetUpload,
  path: string,
  size: number,
  onProgress: (done: number) => void,
): Promise<string> {
  const hash = createHash('sha256');
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      sent += chunk.length;
      onProgress(sent);
      done(null, chunk);
    },
  });
  const request = upload.url.startsWith('https:') ? httpsRequest : httpRequest;
  const req = request(upload.url, { method: 'PUT', headers: { ...upload.headers, 'content-length': size } });
  const answered = new Promise<void>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        (res.statusCode ?? 500) < 300
          ? resolve()
          : reject(new Error(`upload of ${path} failed: HTTP ${res.statusCode} ${Buffer.concat(chunks)}`)),
      );
    });
  });
  // The answer's reason (e.g. a 403 for an expired URL) beats the broken pipe it causes.
  const [answer, sending] = await Promise.allSettled([
    answered,
    pipeline(createReadStream(path), counter, req),
  ]);
  if (answer.status === 'rejected') throw answer.reason;
  if (sending.status === 'rejected') throw sending.reason;
  return hash.digest('hex');
}

/** How often the CLI asks where a completed upload stands. */
export const UPLOAD_POLL_MS = 1000;

type UploadStatus =
  | { status: 'checking' }
  | { status: 'registered'; dataset: DatasetRecord }
  | { status: 'failed'; error: { message: string; field?: string } };

/**
 * Polls the upload's status every second until it is registered (resolves to the dataset) or
 * failed (throws the error a synchronous 400 would have: same message, same field). Prints a
 * progress line: redrawn on a terminal, every 10 s otherwise.
 */
async function awaitRegistered(
  client: CirrusClient,
  uploadId: string,
  label: string,
  log: (line: string) => void,
): Promise<DatasetRecord> {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  for (let polls = 0; ; polls++) {
    const status = await client.get<UploadStatus>(`/v1/datasets/uploads/${seg(uploadId)}`);
    if (tty) process.stderr.write(status.status === 'checking' ? '' : '\n');
    if (status.status === 'registered') return status.dataset;
    if (status.status === 'failed')
      throw new ApiError(400, 'ValidationError', status.error.message, status.error.field);
    const line = `${label} (${Math.round((Date.now() - started) / 1000)} s)`;
    if (tty) process.stderr.write(`\r${line}`);
    else if (polls > 0 && polls % 10 === 0) log(line);
    await new Promise((resolve) => setTimeout(resolve, UPLOAD_POLL_MS));
  }
}

/**
 * Uploads a CSV too large for a request body: asks the API for a presigned URL, streams the file
 * to it (never held in memory) with a progress bar, then completes the upload with the size and
 * sha256 read on the way; the API checks them in the background, and this waits for the outcome.
 */
export async function uploadLargeCsv(
  client: CirrusClient,
  input: { file: string; name: string; description?: string },
  log: (line: string) => void,
): Promise<DatasetRecord> {
  const { size } = await stat(input.file);
  const upload = await client.post<DatasetUpload>('/v1/datasets/uploads', { name: input.name, bytes: size });
  const sha256 = await putStreaming(upload, input.file, size, progressReporter(size, log));
  const label = `checking and registering ${input.name} (${(size / 1e6).toFixed(1)} MB)…`;
  log(label);
  await client.post<UploadStatus>(`/v1/datasets/uploads/${seg(upload.uploadId)}/complete`, {
    name: input.name,
    bytes: size,
    sha256,
    ...(input.description ? { description: input.description } : {}),
  });
  return awaitRegistered(client, upload.uploadId, label, log);
}
