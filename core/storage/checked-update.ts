import * as z from 'zod';
import { fromZodError } from '../errors.js';
import { assertStorable } from './storable.js';

/**
 * What an UpdateItem writes, named by record field: `set` maps a field (or a dotted path into a
 * map field, e.g. `artifacts.model`) to the value written there; `remove` lists removed fields.
 * An in-place addition (`n = n + :d`, `ADD`) or `list_append` is given by its operand (the delta,
 * the appended list), which keeps the stored value valid whenever the operand is.
 */
export interface UpdateFields {
  readonly set: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
}

/**
 * Checks an update against the schema its reader parses with, before it is sent: each set value
 * against its field's schema (and against what DynamoDB can store), each removed field for being
 * optional. A put goes through `toItem`; this is the same guarantee for UpdateItem, so no write
 * can leave a record its reader rejects.
 * @throws ValidationError naming the field and the rule it breaks.
 * @throws Error for a field the record schema does not have (a programming error: the reader
 *   would drop it).
 */
export function checkUpdate(schema: z.ZodObject, update: UpdateFields): void {
  for (const [path, value] of Object.entries(update.set)) {
    if (value === undefined) continue;
    const parsed = fieldSchema(schema, path).safeParse(value);
    if (!parsed.success) throw fromZodError(parsed.error, path);
    assertStorable(value, path);
  }
  for (const path of update.remove ?? []) {
    if (!fieldSchema(schema, path).safeParse(undefined).success) {
      throw fromZodError({ issues: [{ path: [], message: 'is required; it cannot be removed' }] }, path);
    }
  }
}

/** The schema of a (dotted) field path: object fields by name, map values for any key. */
function fieldSchema(schema: z.ZodObject, path: string): z.ZodType {
  let current: z.ZodType = schema;
  for (const key of path.split('.')) {
    const inner = unwrap(current);
    if (inner instanceof z.ZodObject && key in inner.shape) current = inner.shape[key] as z.ZodType;
    else if (inner instanceof z.ZodRecord) current = inner.valueType as z.ZodType;
    else throw new Error(`'${path}' is not a field of the record schema; its reader would drop it`);
  }
  return current;
}

/** The schema inside optional/nullable/default wrappers (a nested path walks into it). */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodNullable ||
    current instanceof z.ZodDefault
  ) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}
