import type { Algorithm } from '../types.js';

/**
 * Widens a typed algorithm to the registry's `Algorithm`: the raw hyperparameters are parsed
 * with the algorithm's own schema (defaults filled) before its typed `fit` sees them.
 */
export function erase<P extends Record<string, unknown>>(a: Algorithm<P>): Algorithm {
  return {
    name: a.name,
    tasks: a.tasks,
    description: a.description,
    params: a.params,
    scaling: a.scaling,
    fit: (data, raw) => a.fit(data, a.params.parse(raw)),
  };
}
