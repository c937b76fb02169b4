import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { parseS3Uri, toS3Uri } from '../artifacts/uri.js';
import type { CoreDeps } from '../deps.js';
import { ValidationError } from '../errors.js';
import { getBatchJob } from './jobs.js';
import { BATCH_PREFIXES } from './locations.js';

/** How long a batch upload or download URL stays valid. */
export const TRANSFER_URL_SECONDS = 3600;

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

/**
 * Presigned PUT URLs for local files a batch job will read, under `batch/input/uploads/{id}/`,
 * and a fresh output prefix `batch/output/uploads/{id}/` (the CLI's `--input`/`--output` local
 * paths): the rows go straight to S3, never through the API's body limit.
 * @throws ValidationError naming `files` for a name that is not a plain file name.
 */
export async function createBatchUploads(deps: CoreDeps, files: readonly string[]) {
  const id = randomUUID();
  const inputPrefix = `${BATCH_PREFIXES.input}uploads/${id}/`;
  for (const file of files)
    if (!FILE_NAME.test(file))
      throw new ValidationError(
        `files: '${file}' must be a plain file name (letters, digits, . _ -)`,
        'files',
      );
  const uploads = await Promise.all(
    files.map(async (file) => {
      const key = `${inputPrefix}${file}`;
      const command = new PutObjectCommand({ Bucket: deps.bucket, Key: key });
      return { file, uri: toS3Uri(deps.bucket, key), url: await signed(deps, command) };
    }),
  );
  return {
    input: toS3Uri(deps.bucket, inputPrefix),
    output: toS3Uri(deps.bucket, `${BATCH_PREFIXES.output}uploads/${id}/`),
    uploads,
    expiresInSeconds: TRANSFER_URL_SECONDS,
  };
}

/**
 * Presigned GET URLs of an ended job's predictions and errors file.
 * @throws ValidationError (field `jobId`) while the job runs or when it has no outputs.
 */
export async function createBatchDownloads(deps: CoreDeps, jobId: string) {
  const job = await getBatchJob(deps, jobId);
  if (!job.predictionsUri || !job.errorsUri)
    throw new ValidationError(
      `jobId: job '${jobId}' is ${job.status} and has no outputs to download`,
      'jobId',
    );
  const url = (uri: string) => {
    const { bucket, key } = parseS3Uri(uri);
    return signed(deps, new GetObjectCommand({ Bucket: bucket, Key: key }));
  };
  return {
    predictions: { uri: job.predictionsUri, url: await url(job.predictionsUri) },
    errors: { uri: job.errorsUri, url: await url(job.errorsUri) },
    expiresInSeconds: TRANSFER_URL_SECONDS,
  };
}

function signed(deps: CoreDeps, command: PutObjectCommand | GetObjectCommand): Promise<string> {
  return getSignedUrl(deps.s3, command, { expiresIn: TRANSFER_URL_SECONDS });
}
