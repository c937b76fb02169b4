import { type DriftOptions, type DriftOptionsInput, DriftOptionsSchema } from '../../contracts/drift.js';
import { fromZodError } from '../errors.js';

/** Options with Evidently's defaults filled in; bad values throw a ValidationError naming the field. */
export function resolveDriftOptions(input: DriftOptionsInput = {}): DriftOptions {
  const parsed = DriftOptionsSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error, 'options');
  return parsed.data;
}
