import type { DatasetRecord } from '../../contracts/dataset.js';
import type { Task } from '../../contracts/model-contract.js';
import { readArtifactStream } from '../artifacts/index.js';
import { csvRecordsOfStream, isMissingCell } from '../data/index.js';
import { readValueCounts } from '../datasets/profile.js';
import type { CoreDeps } from '../deps.js';
import { ValidationError } from '../errors.js';

/** Fewest rows of a class for the split to put it in the training set and still test on it. */
export const MIN_ROWS_PER_CLASS = 2;

/**
 * Refuses, before anything is trained, what cannot make a model: a classification target with
 * fewer than two classes or a class under MIN_ROWS_PER_CLASS rows, a regression target that
 * holds one value (r2 against a constant means nothing), a target with missing cells (the
 * trainer refuses them). The target's counts come from the
 * version's values.json, recorded at registration; a version without it (or a target with too
 * many distinct values to be counted there) streams the CSV once and keeps only the target's
 * counts, never the file or its rows.
 * @throws ValidationError naming `target`.
 */
export async function checkTrainable(
  deps: CoreDeps,
  request: { task: Task; target?: string },
  dataset: DatasetRecord,
): Promise<void> {
  const target = request.target;
  if (request.task === 'clustering' || target === undefined) return;
  await checkTargetCounts(deps, request.task, dataset, target);
  checkTargetPresent(dataset, target);
}

/** The trainer refuses a row without a target (and Evaluate could not score one): refused at submit. */
function checkTargetPresent(dataset: DatasetRecord, target: string): void {
  const missing = dataset.schema?.columns.find((c) => c.name === target)?.missing ?? 0;
  if (missing === 0) return;
  const rows = missing === 1 ? '1 row' : `${missing} rows`;
  throw new ValidationError(
    `target: ${rows} of dataset '${dataset.name}' ${missing === 1 ? 'has' : 'have'} no value in column '${target}': a model can neither learn from nor be scored on them; drop or fill them first`,
    'target',
  );
}

/** Two values at least, and for classification, every class on MIN_ROWS_PER_CLASS rows. */
async function checkTargetCounts(
  deps: CoreDeps,
  task: Task,
  dataset: DatasetRecord,
  target: string,
): Promise<void> {
  const allClasses = task === 'classification';
  const recorded = await recordedCounts(deps, dataset, target);
  // A column with more distinct values than values.json counts holds at least two: a regression passes.
  if (recorded === 'many' && !allClasses) return;
  const counts =
    recorded instanceof Map ? recorded : await targetCounts(deps, dataset.uri, target, allClasses);
  if (counts.size < 2) {
    const what = counts.size === 0 ? 'no value' : `the single value '${[...counts.keys()][0]}'`;
    throw new ValidationError(
      `target: column '${target}' of dataset '${dataset.name}' holds ${what} in every row: there is nothing to learn`,
      'target',
    );
  }
  if (task !== 'classification') return;
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

/**
 * The target's counts from the version's values.json; `many` for a column of the dataset with
 * more distinct values than it counts; undefined when the version has no values.json, left the
 * column uncounted, or the column is not the dataset's.
 */
async function recordedCounts(
  deps: CoreDeps,
  dataset: DatasetRecord,
  target: string,
): Promise<Map<string, number> | 'many' | undefined> {
  const values = await readValueCounts(deps, dataset);
  if (!values) return undefined;
  const column = values.columns.find((c) => c.name === target);
  if (column) return new Map(column.values);
  if (values.uncounted.includes(target)) return undefined;
  return dataset.schema.columns.some((c) => c.name === target) ? 'many' : undefined;
}

/**
 * Present values of column `target` with their row counts, read record by record. Without
 * `allClasses` it keeps at most two distinct values (all a regression check needs) and counts
 * nothing further. A column the header lacks counts nothing.
 */
export async function targetCounts(
  deps: CoreDeps,
  uri: string,
  target: string,
  allClasses: boolean,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const { names, rows } = await csvRecordsOfStream(readArtifactStream(deps, { uri }), 'dataset');
  const at = names.indexOf(target);
  for await (const record of rows) {
    const cell = record[at];
    if (at < 0 || cell === undefined || isMissingCell(cell)) continue;
    const seen = counts.get(cell);
    if (seen !== undefined) counts.set(cell, seen + 1);
    else if (allClasses || counts.size < 2) counts.set(cell, 1);
  }
  return counts;
}
