import type { z } from 'zod';
import { fromZodError, ValidationError } from '../errors.js';

/*
 * What DynamoDB can store, checked before any write so that bad input is a 4xx naming the
 * field, never a 500 after half the work. Numbers: magnitude 1E-130 to 9.9999E+125 (or 0);
 * items: 400 KB, attribute names and values counted as UTF-8 bytes.
 */
export const DYNAMO_MIN_MAGNITUDE = 1e-130;
export const DYNAMO_MAX_MAGNITUDE = 9.9999e125;
export const DYNAMO_ITEM_LIMIT_BYTES = 400 * 1024;

/**
 * The record as the schema reads it back, refused with a ValidationError when the read schema
 * would reject it or DynamoDB could not store it. Every registry/tracking write goes through
 * here, so a write can never leave a record its reader rejects.
 */
export function toItem<T extends z.ZodType>(schema: T, record: unknown, field?: string): z.infer<T> {
  const parsed = schema.safeParse(record);
  if (!parsed.success) throw fromZodError(parsed.error, field);
  assertStorable(parsed.data, field);
  return parsed.data;
}

/** Throws a ValidationError naming the first number DynamoDB cannot hold, or an over-size item. */
export function assertStorable(value: unknown, field?: string): void {
  checkNumbers(value, field ?? '');
  const bytes = itemBytes(value);
  if (bytes > DYNAMO_ITEM_LIMIT_BYTES) {
    const where = field ?? largestAttribute(value);
    throw new ValidationError(
      `${where ? `${where}: ` : ''}the record is ${bytes} bytes, over DynamoDB's item limit of ${DYNAMO_ITEM_LIMIT_BYTES} bytes`,
      where || undefined,
    );
  }
}

/** Throws for the first number outside what DynamoDB can store (NaN, ±Infinity, 1e-200, 1e300). */
export function checkNumbers(value: unknown, path: string): void {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    const outside = magnitude !== 0 && (magnitude < DYNAMO_MIN_MAGNITUDE || magnitude > DYNAMO_MAX_MAGNITUDE);
    if (!Number.isFinite(value) || outside) {
      throw new ValidationError(
        `${path || 'value'}: ${value} cannot be stored (numbers must be 0 or between 1e-130 and 1e125 in magnitude)`,
        path || undefined,
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkNumbers(item, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkNumbers(item, path ? `${path}.${key}` : key);
  }
}

/** An upper bound of DynamoDB's size of a value (names + UTF-8 strings + 21 bytes per number). */
export function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') return 21;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, item) => sum + 1 + itemBytes(item), 0);
  if (typeof value === 'object') {
    let sum = 3;
    for (const [key, item] of Object.entries(value)) sum += 1 + Buffer.byteLength(key) + itemBytes(item);
    return sum;
  }
  return 0;
}

function largestAttribute(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  let best = '';
  let bestBytes = -1;
  for (const [key, item] of Object.entries(value)) {
    const bytes = itemBytes(item);
    if (bytes > bestBytes) [best, bestBytes] = [key, bytes];
  }
  return best;
}
