import { CsvRow } from '../../core/batch/csv-row.js';

/**
 * Step Functions' cap on state data: a state's input (after Parameters) or result over 256 KiB
 * (UTF-8 JSON) fails the execution with States.DataLimitExceeded. aws-local-stepfunctions does
 * not enforce it, so the local runtime checks at every task boundary.
 */
export const STATE_DATA_LIMIT_BYTES = 262_144;

/**
 * The error as AWS reports it. A terminal error: States.ALL neither retries nor catches it
 * (aws-local-stepfunctions honours `isRetryable` / `isCatchable` on any thrown error).
 */
export class DataLimitExceededError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message: string) {
    super(message);
    this.name = 'States.DataLimitExceeded';
  }
}

/** Throws DataLimitExceededError when `value` as JSON is over the limit. */
export function checkDataLimit(value: unknown, stateName: string, what: 'input' | 'result'): void {
  const bytes = jsonBytes(value ?? null);
  if (bytes > STATE_DATA_LIMIT_BYTES)
    throw new DataLimitExceededError(
      `${stateName}: the state's ${what} is ${bytes} bytes, over the ${STATE_DATA_LIMIT_BYTES}-byte (256 KiB) limit for state data`,
    );
}

/** UTF-8 JSON sizes of values built by the runtime itself and never changed after (batches). */
const knownBytes = new WeakMap<object, number>();

/**
 * Records `bytes` as the UTF-8 size of `JSON.stringify(value)`, for a value the caller built and
 * will not change: the ItemBatcher knows a batch's size from its items, and measuring it again
 * at the child's input check would serialize every batch a second time.
 */
export function rememberJsonBytes(value: object, bytes: number): void {
  knownBytes.set(value, bytes);
}

/** JSON texts of values parsed from that very text (`fromJsonText`). */
const knownText = new WeakMap<object, string>();
/** Values already through a JSON round trip (or built only of such values and plain fields). */
const jsonSafe = new WeakSet<object>();

/**
 * `JSON.parse(text)`, remembering for an object or array its text and size: the runtime's
 * later size check and its execution Output then reuse them instead of serializing the value
 * again. For values the runtime never changes after (aws-local-stepfunctions copies on write).
 */
export function fromJsonText(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (typeof value === 'object' && value !== null) {
    knownText.set(value, text);
    knownBytes.set(value, Buffer.byteLength(text));
    jsonSafe.add(value);
  }
  return value;
}

/** Marks a value the runtime built from JSON-safe parts only: a JSON round trip would not change it. */
export function markJsonSafe(value: object): void {
  jsonSafe.add(value);
}

/** True for values from `fromJsonText` or marked by `markJsonSafe`. */
export function isJsonSafe(value: unknown): boolean {
  return typeof value === 'object' && value !== null && jsonSafe.has(value);
}

/** `JSON.stringify(value)`, or the text the value was parsed from. */
export function jsonText(value: unknown): string {
  const known = typeof value === 'object' && value !== null ? knownText.get(value) : undefined;
  return known ?? JSON.stringify(value);
}

/** True when JSON.stringify may escape a character of `s` or UTF-8 may take more than a byte for it. */
function notPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || c > 126) return true;
  }
  return false;
}

/**
 * `Buffer.byteLength(JSON.stringify(value))` without building the string: plain ASCII strings
 * count as themselves plus quotes, sizes recorded by `rememberJsonBytes` and raw CSV rows' own
 * sizes (CsvRow) are taken as they are,
 * anything else (escapes, non-ASCII, toJSON) is measured by JSON.stringify itself.
 */
export function jsonBytes(value: unknown): number {
  if (typeof value === 'string')
    return notPlain(value) ? Buffer.byteLength(JSON.stringify(value)) : value.length + 2;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (value === null) return 4;
  if (typeof value !== 'object') return Buffer.byteLength(JSON.stringify(value) ?? '');
  if (value instanceof CsvRow) return value.jsonBytes;
  const known = knownBytes.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    let n = 1 + Math.max(value.length - 1, 0) + 1;
    for (const v of value)
      n += v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 4 : jsonBytes(v);
    return n;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return Buffer.byteLength(JSON.stringify(value));
  let n = 2;
  let first = true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    n += (first ? 0 : 1) + jsonBytes(key) + 1 + jsonBytes(v);
    first = false;
  }
  return n;
}
