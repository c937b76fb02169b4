import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { z } from 'zod';
import type { CoreDeps } from '../deps.js';
import { fromZodError, NotFoundError, ValidationError } from '../errors.js';
import { ArtifactIntegrityError } from './errors.js';
import { parseS3Uri, toS3Uri } from './uri.js';

/** S3 user metadata key (`x-amz-meta-sha256`) holding the hex sha256 of the object's bytes. */
export const SHA256_METADATA_KEY = 'sha256';

export interface PutArtifactInput {
  /** Key in the artifact bucket (see docs/conventions.md for the layout). */
  readonly key: string;
  readonly body: Uint8Array | string;
  /** @default 'application/octet-stream' */
  readonly contentType?: string;
}

export interface StoredArtifact {
  readonly uri: string;
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
}

/** Hex sha256 of bytes or UTF-8 text. */
export function sha256Hex(body: Uint8Array | string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Writes bytes to the artifact bucket with their sha256 in the object metadata, so every later
 * read can verify them. A single PutObject: fine up to 5 GB on S3, and s3rver takes 50 MB.
 */
export async function putArtifact(deps: CoreDeps, input: PutArtifactInput): Promise<StoredArtifact> {
  if (!input.key || input.key.startsWith('/'))
    throw new ValidationError('key: must be a non-empty relative key', 'key');
  const body = typeof input.body === 'string' ? new TextEncoder().encode(input.body) : input.body;
  const sha256 = sha256Hex(body);
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucket,
      Key: input.key,
      Body: body,
      ContentType: input.contentType ?? 'application/octet-stream',
      Metadata: { [SHA256_METADATA_KEY]: sha256 },
    }),
  );
  return { uri: toS3Uri(deps.bucket, input.key), key: input.key, sha256, size: body.byteLength };
}

/** Writes a value as pretty JSON (`application/json`). */
export function putJson(deps: CoreDeps, input: { key: string; value: unknown }): Promise<StoredArtifact> {
  const text = `${JSON.stringify(input.value, null, 2)}\n`;
  return putArtifact(deps, { key: input.key, body: text, contentType: 'application/json' });
}

export interface GetArtifactInput {
  /** `s3://bucket/key` (any bucket) … */
  readonly uri?: string;
  /** … or a key in the artifact bucket. */
  readonly key?: string;
  /** Also require this sha256 (e.g. the registry's `onnxSha256`), even without metadata. */
  readonly expectedSha256?: string;
}

function locate(deps: CoreDeps, input: GetArtifactInput): { bucket: string; key: string } {
  if (input.uri) return parseS3Uri(input.uri);
  if (input.key) return { bucket: deps.bucket, key: input.key };
  throw new ValidationError('uri: give an s3:// uri or a key', 'uri');
}

function isMissing(error: unknown): boolean {
  return error instanceof NoSuchKey || error instanceof NotFound;
}

/**
 * Reads an artifact and verifies its bytes against the sha256 recorded at put time (objects
 * written by others, e.g. SageMaker's model.tar.gz, carry none: only `expectedSha256` applies).
 * @throws NotFoundError('artifact', uri) when the object does not exist.
 * @throws ArtifactIntegrityError when the bytes do not match.
 */
export async function getArtifact(deps: CoreDeps, input: GetArtifactInput): Promise<Uint8Array> {
  const { bucket, key } = locate(deps, input);
  const uri = toS3Uri(bucket, key);
  const response = await deps.s3
    .send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    .catch((error: unknown) => {
      throw isMissing(error) ? new NotFoundError('artifact', uri) : error;
    });
  const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
  const actual = sha256Hex(bytes);
  const recorded = response.Metadata?.[SHA256_METADATA_KEY];
  for (const expected of [recorded, input.expectedSha256?.toLowerCase()]) {
    if (expected !== undefined && expected !== actual)
      throw new ArtifactIntegrityError(uri, expected, actual);
  }
  return bytes;
}

/** Reads a JSON artifact (verified like `getArtifact`) and parses it with `schema`. */
export async function getJson<T extends z.ZodType>(
  deps: CoreDeps,
  input: GetArtifactInput & { schema: T },
): Promise<z.infer<T>> {
  const bytes = await getArtifact(deps, input);
  const where = input.uri ?? input.key ?? 'artifact';
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ValidationError(`${where}: not valid JSON`, 'uri');
  }
  const parsed = input.schema.safeParse(json);
  if (!parsed.success) throw fromZodError(parsed.error, where);
  return parsed.data;
}

/** Size and recorded sha256 of an artifact without reading it; null when absent. */
export async function headArtifact(
  deps: CoreDeps,
  input: GetArtifactInput,
): Promise<{ size: number; sha256?: string } | null> {
  const { bucket, key } = locate(deps, input);
  try {
    const head = await deps.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { size: head.ContentLength ?? 0, sha256: head.Metadata?.[SHA256_METADATA_KEY] };
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}
