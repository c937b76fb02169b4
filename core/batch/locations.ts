import type { S3Location } from '../artifacts/uri.js';
import { ValidationError } from '../errors.js';

/**
 * Where batch jobs read and write in the artifact bucket. On AWS the batch state machine may read
 * only under `input` and write only under `output` (infra/constructs/batch-predictions.ts), so the
 * API refuses other locations up front rather than let the job fail on AccessDenied.
 */
export const BATCH_PREFIXES = { input: 'batch/input/', output: 'batch/output/' } as const;

/** The locations a runtime's batch jobs are confined to (absent: anywhere, as locally). */
export interface BatchLocations {
  readonly bucket: string;
  readonly inputPrefix: string;
  readonly outputPrefix: string;
}

/** The artifact bucket's batch prefixes. */
export function batchLocations(bucket: string): BatchLocations {
  return { bucket, inputPrefix: BATCH_PREFIXES.input, outputPrefix: BATCH_PREFIXES.output };
}

/** @throws ValidationError naming `field` when `location` is not under `bucket`/`prefix`. */
export function requireUnder(location: S3Location, bucket: string, prefix: string, field: string): void {
  if (location.bucket === bucket && location.key.startsWith(prefix) && location.key.length > prefix.length)
    return;
  throw new ValidationError(
    `${field}: this deployment's batch jobs ${field === 'input' ? 'read' : 'write'} only under s3://${bucket}/${prefix} (got s3://${location.bucket}/${location.key})`,
    field,
  );
}
