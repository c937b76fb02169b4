import type { EventPattern } from './rules.js';

/**
 * EventBridge's event-pattern matching, for the local bus to route by the very patterns infra
 * deploys: every key of the pattern must match; a leaf is a list of alternatives, each an exact
 * scalar or one of the matchers `{ prefix }`, `{ suffix }`, `{ 'anything-but': v | [v] }`,
 * `{ exists: boolean }`, `{ numeric: [op, n, ...] }`. An array value in the event matches when
 * any of its elements does (EventBridge's rule for arrays).
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const value = record[key];
    if (Array.isArray(expected)) return matchesLeaf(expected, value);
    return value !== undefined && matchesPattern(expected as EventPattern, value);
  });
}

function matchesLeaf(alternatives: readonly unknown[], value: unknown): boolean {
  // `{ exists: false }` is the one alternative that matches a missing key.
  if (value === undefined) return alternatives.some((a) => isMatcher(a) && a.exists === false);
  const values = Array.isArray(value) ? value : [value];
  return alternatives.some((alternative) => values.some((v) => matchesOne(alternative, v)));
}

type Matcher = Record<string, unknown>;

const isMatcher = (a: unknown): a is Matcher => typeof a === 'object' && a !== null && !Array.isArray(a);

function matchesOne(alternative: unknown, value: unknown): boolean {
  if (!isMatcher(alternative)) return alternative === value;
  if ('exists' in alternative) return alternative.exists === true;
  if ('prefix' in alternative)
    return typeof value === 'string' && value.startsWith(String(alternative.prefix));
  if ('suffix' in alternative) return typeof value === 'string' && value.endsWith(String(alternative.suffix));
  if ('anything-but' in alternative) {
    const excluded = alternative['anything-but'];
    return !(Array.isArray(excluded) ? excluded : [excluded]).includes(value);
  }
  if ('numeric' in alternative) return matchesNumeric(alternative.numeric, value);
  return false;
}

const COMPARATORS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function matchesNumeric(spec: unknown, value: unknown): boolean {
  if (typeof value !== 'number' || !Array.isArray(spec)) return false;
  for (let i = 0; i + 1 < spec.length; i += 2) {
    const compare = COMPARATORS[String(spec[i])];
    if (!compare || !compare(value, Number(spec[i + 1]))) return false;
  }
  return true;
}
