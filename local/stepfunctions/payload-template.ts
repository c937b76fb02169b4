import { StatesError } from './states-error.js';

/**
 * The JSONPath payload templates of the Distributed Map fields the local interpreter does not run
 * itself (ItemReader/ResultWriter `Parameters`, `ItemSelector`, `BatchInput`, `*Path` fields):
 * a key ending in `.$` takes the value at a path; `$` paths read the state input, `$$` paths the
 * context object. Only dotted paths are supported (what batch-predict.asl.json uses); any other
 * path is refused by name rather than evaluated wrongly.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const DOTTED = /^\$\$?(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** The value at a dotted path (`$`, `$.a.b`, `$$.Map.Item.Index`); throws States.Runtime when absent. */
export function readPath(path: string, input: unknown, context: unknown): unknown {
  if (!DOTTED.test(path)) throw runtimeError(`path '${path}' is not a dotted JSONPath (local runtime)`);
  const [root, ...keys] = path.split('.');
  let value: unknown = root === '$$' ? context : input;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) {
      throw runtimeError(`the JSONPath '${path}' could not be found in the input`);
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Applies a payload template (`{ "a.$": "$.x", "b": 1 }`) to an input and a context object. */
export function applyTemplate(template: unknown, input: unknown, context: unknown): unknown {
  if (Array.isArray(template)) return template.map((t) => applyTemplate(t, input, context));
  if (typeof template !== 'object' || template === null) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) out[key.slice(0, -2)] = readPath(String(value), input, context);
    else out[key] = applyTemplate(value, input, context);
  }
  return out;
}

/** `state[name]`, or the value at `state[name + 'Path']`; undefined when neither is set. */
export function staticOrPath(state: Record<string, unknown>, name: string, input: unknown): unknown {
  if (state[name] !== undefined) return state[name];
  const path = state[`${name}Path`];
  return typeof path === 'string' ? readPath(path, input, {}) : undefined;
}

function runtimeError(message: string): StatesError {
  return new StatesError('States.Runtime', message);
}
