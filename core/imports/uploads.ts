import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { getArtifact } from '../artifacts/index.js';
import type { CoreDeps } from '../deps.js';
import { NotFoundError, ValidationError } from '../errors.js';

/** How long an upload URL stays valid. */
export const UPLOAD_URL_SECONDS = 900;

/**
 * Presigned S3 PUT URLs for an import's files, under `uploads/{model}/{id}/`: on AWS, API
 * Gateway limits request bodies to 10 MB, so the CLI PUTs the files to S3 and names the keys
 * in the import request. The local runtime signs for its S3 emulator the same way.
 */
export async function createImportUploads(deps: CoreDeps, model: string) {
  const prefix = `uploads/${model}/${randomUUID()}`;
  const target = async (file: string) => {
    const key = `${prefix}/${file}`;
    const command = new PutObjectCommand({ Bucket: deps.bucket, Key: key });
    const url = await getSignedUrl(deps.s3, command, { expiresIn: UPLOAD_URL_SECONDS });
    return { key, url, expiresInSeconds: UPLOAD_URL_SECONDS };
  };
  return { onnx: await target('model.onnx'), reference: await target('reference.csv') };
}

/** Reads an uploaded file named in an import request; a missing upload is a 400 naming `field`. */
export async function readUpload(deps: CoreDeps, key: string, field: string): Promise<Uint8Array> {
  try {
    return await getArtifact(deps, { key });
  } catch (error) {
    if (error instanceof NotFoundError)
      throw new ValidationError(
        `${field}: nothing was uploaded to '${key}' (PUT the file to its upload URL first)`,
        field,
      );
    throw error;
  }
}
