import { csvValues } from '../../core/batch/csv-row.js';
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
    // A path into the value reads the plain object, as on AWS (a raw CSV row materialized).
    return (index, value) =>
      readPath(path, input, { Map: { Item: { Index: index, Value: csvValues(value) } } });
  }
  const constant = readPath(path, input, {});
  return () => constant;
}
