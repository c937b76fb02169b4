import type { DatasetRecord } from '../../contracts/dataset.js';
import type { Task } from '../../contracts/model-contract.js';
import { getArtifact } from '../artifacts/index.js';
import { parseCsv } from '../data/index.js';
import type { CoreDeps } from '../deps.js';
import { ValidationError } from '../errors.js';

/** Fewest rows of a class for the split to put it in the training set and still test on it. */
export const MIN_ROWS_PER_CLASS = 2;

/**
 * Refuses, before anything is trained, what cannot make a model: a classification target with
 * fewer than two classes or a class under MIN_ROWS_PER_CLASS rows, a regression target that
 * holds one value (r2 against a constant means nothing). Reads the dataset's CSV once.
 * @throws ValidationError naming `target`.
 */
export async function checkTrainable(
  deps: CoreDeps,
  request: { task: Task; target?: string },
  dataset: DatasetRecord,
): Promise<void> {
  const target = request.target;
  if (request.task === 'clustering' || target === undefined) return;
  const csv = parseCsv(await getArtifact(deps, { uri: dataset.uri }), { field: 'dataset' });
  const values = (csv.columns.find((c) => c.name === target)?.values ?? []).filter(
    (v): v is string => v !== null,
  );
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  if (counts.size < 2) {
    const what = counts.size === 0 ? 'no value' : `the single value '${[...counts.keys()][0]}'`;
    throw new ValidationError(
      `target: column '${target}' of dataset '${dataset.name}' holds ${what} in every row: there is nothing to learn`,
      'target',
    );
  }
  if (request.task !== 'classification') return;
  const rare = [...counts].filter(([, n]) => n < MIN_ROWS_PER_CLASS);
  if (rare.length > 0) {
    const listed = rare
      .slice(0, 5)
      .map(([c, n]) => `'${c}' (${n})`)
      .join(', ');
    throw new ValidationError(
      `target: class ${listed} of '${target}' has fewer than ${MIN_ROWS_PER_CLASS} rows: the split cannot both train and test on it`,
      'target',
    );
  }
}
