import { ValidationError } from '../errors.js';

/** A parsed `s3://bucket/key` URI. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** `s3://{bucket}/{key}`. */
export function toS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Parses `s3://bucket/key` (key required, may contain `/`).
 * @throws ValidationError naming `field` when the text is not such a URI.
 */
export function parseS3Uri(uri: string, field = 'uri'): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
  if (!match) throw new ValidationError(`${field}: '${uri}' is not an s3://bucket/key URI`, field);
  return { bucket: match[1], key: match[2] };
}
