import { ValidationError } from '../errors.js';

/** A parsed `s3://bucket/key` URI. */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

export interface ParseS3UriOptions {
  /** Accept `s3://bucket` and `s3://bucket/` (empty key: a whole bucket, as an S3 prefix). @default false */
  readonly prefix?: boolean;
}

/** `s3://{bucket}/{key}`. */
export function toS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/**
 * Parses `s3://bucket/key` (the key may contain `/`; with `prefix` it may also be empty).
 * @throws ValidationError naming `field` when the text is not such a URI.
 */
export function parseS3Uri(uri: string, field = 'uri', options: ParseS3UriOptions = {}): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  const key = match?.[2] ?? '';
  if (!match || (!options.prefix && key === '')) {
    throw new ValidationError(`${field}: '${uri}' is not an s3://bucket/key URI`, field);
  }
  return { bucket: match[1], key };
}
