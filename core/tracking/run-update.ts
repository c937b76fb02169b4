import type { RunResults } from '../../contracts/tracking.js';

/** An UpdateItem expression under construction (SET clauses with their names and values). */
export interface UpdateParts {
  readonly set: string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
}

/**
 * SET clauses for run results. Artifacts merge key by key (`artifacts.#k = :v`) so that the
 * pipeline states can each add theirs without overwriting the others'.
 */
export function resultUpdates(results: RunResults, now: string): UpdateParts {
  const parts: UpdateParts = {
    set: ['updatedAt = :updatedAt'],
    names: {},
    values: { ':updatedAt': now },
  };
  const { artifacts, ...scalars } = results;
  for (const [field, value] of Object.entries(scalars)) {
    if (value === undefined) continue;
    parts.set.push(`#r_${field} = :r_${field}`);
    parts.names[`#r_${field}`] = field;
    parts.values[`:r_${field}`] = value;
  }
  Object.entries(artifacts ?? {}).forEach(([name, uri], i) => {
    parts.set.push(`artifacts.#a${i} = :a${i}`);
    parts.names[`#a${i}`] = name;
    parts.values[`:a${i}`] = uri;
  });
  return parts;
}
