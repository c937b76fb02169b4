import { type BaselineProfile, BaselineProfileSchema } from '../../contracts/drift.js';
import { fromZodError } from '../errors.js';

/** Parses a stored baseline (e.g. `baseline.json` from S3); a broken one is a ValidationError naming the field. */
export function parseBaselineProfile(json: unknown): BaselineProfile {
  const parsed = BaselineProfileSchema.safeParse(json);
  if (!parsed.success) throw fromZodError(parsed.error, 'baseline');
  return parsed.data;
}
