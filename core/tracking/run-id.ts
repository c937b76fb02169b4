import { randomBytes } from 'node:crypto';

/**
 * Longest run id: each training attempt is the SageMaker job `cirrus-<runId>-<8 hex>` (at most
 * 63 characters; the suffix makes a retried attempt's name new).
 */
export const MAX_RUN_ID_LENGTH = 47;

/**
 * A time-ordered run id, `YYYYMMDD-HHMMSS-mmm-<8 hex>` (28 characters): ids sort by creation
 * time, and use only letters, digits and hyphens, as SageMaker job names and S3 keys need.
 */
export function newRunId(now: Date, random: (bytes: number) => Buffer = randomBytes): string {
  const iso = now.toISOString(); // 2025-01-02T03:04:05.678Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}-${iso.slice(20, 23)}`;
  return `${stamp}-${random(4).toString('hex')}`;
}

/** The run of a sweep's variant `index`: the sweep's run id with the variant's index. */
export function variantRunId(runId: string, index: number): string {
  return `${runId}-v${index}`;
}
