import { readPath } from './payload-template.js';

/** `$$.Map.Item.Index` and `$$.Map.Item.Value` of one item. */
export type SelectItem = (index: number, value: unknown) => unknown;

const ITEM_INDEX = '$$.Map.Item.Index';
const ITEM_VALUE = '$$.Map.Item.Value';

/**
 * An ItemSelector compiled once per Map Run: the same result as applying the payload template
 * to `{ Map: { Item: { Index, Value } } }` per item, but paths into the state input (`$...`) are
 * read once (the input is fixed for the run) and the item paths are plain property reads.
 */
export function compileSelector(template: unknown, input: unknown): SelectItem {
  if (Array.isArray(template)) {
    const parts = template.map((t) => compileSelector(t, input));
    return (index, value) => parts.map((p) => p(index, value));
  }
  if (typeof template !== 'object' || template === null) return () => template;
  const fields = Object.entries(template).map(([key, t]): [string, SelectItem] => {
    if (!key.endsWith('.$')) return [key, compileSelector(t, input)];
    return [key.slice(0, -2), compilePath(String(t), input)];
  });
  return (index, value) => {
    const out: Record<string, unknown> = {};
    for (const [key, select] of fields) out[key] = select(index, value);
    return out;
  };
}

function compilePath(path: string, input: unknown): SelectItem {
  if (path === ITEM_INDEX) return (index) => index;
  if (path === ITEM_VALUE) return (_, value) => value;
  if (path.startsWith('$$')) {
    return (index, value) => readPath(path, input, { Map: { Item: { Index: index, Value: value } } });
  }
  const constant = readPath(path, input, {});
  return () => constant;
}

/** True when JSON.stringify may escape a character of `s` (controls, quote, backslash, or above U+007E: lone surrogates). */
function mayEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || c > 126) return true;
  }
  return false;
}

/**
 * The length of `JSON.stringify(value)` (UTF-16 units, as the batcher has always counted), without
 * building the string: plain strings count as themselves plus quotes; anything else that needs
 * escaping is measured by JSON.stringify itself.
 */
export function jsonLength(value: unknown): number {
  if (typeof value === 'string') return mayEscape(value) ? JSON.stringify(value).length : value.length + 2;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (value === null) return 4;
  if (Array.isArray(value)) {
    let n = 1 + Math.max(value.length - 1, 0) + 1;
    for (const v of value) n += v === undefined || typeof v === 'function' ? 4 : jsonLength(v);
    return n;
  }
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    let n = 2;
    let first = true;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      n += (first ? 0 : 1) + jsonLength(key) + 1 + jsonLength(v);
      first = false;
    }
    return n;
  }
  return JSON.stringify(value)?.length ?? 0;
}
