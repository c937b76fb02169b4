import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetRecord } from '../../contracts/dataset.js';
import type { Task } from '../../contracts/model-contract.js';
import type { CoreDeps } from '../deps.js';
import { ValidationError } from '../errors.js';
import { registerDataset } from './store.js';

/** A dataset shipped in `datasets/` (scikit-learn's toy datasets; the target column is `target`). */
export interface BuiltinDataset {
  readonly name: string;
  readonly task: Task;
  readonly target: string;
  readonly description: string;
}

export const BUILTIN_DATASETS = [
  {
    name: 'iris',
    task: 'classification',
    target: 'target',
    description: 'Iris flowers: 150 rows, 4 measurements, 3 species',
  },
  {
    name: 'wine',
    task: 'classification',
    target: 'target',
    description: 'Wine recognition: 178 rows, 13 chemical measurements, 3 cultivars',
  },
  {
    name: 'breast_cancer',
    task: 'classification',
    target: 'target',
    description: 'Breast cancer Wisconsin (diagnostic): 569 rows, 30 features, malignant or benign',
  },
  {
    name: 'diabetes',
    task: 'regression',
    target: 'target',
    description: 'Diabetes progression: 442 rows, 10 baseline variables, a disease progression score',
  },
  {
    name: 'digits',
    task: 'classification',
    target: 'target',
    description: 'Handwritten digits: 1797 rows of 8x8 pixel intensities, 10 classes',
  },
] as const satisfies readonly BuiltinDataset[];

export type BuiltinDatasetName = (typeof BUILTIN_DATASETS)[number]['name'];

/** The repository's `datasets/` folder, found from this file (not the working directory). */
export const BUILTIN_DATASETS_DIR = fileURLToPath(new URL('../../datasets/', import.meta.url));

export interface LoadBuiltinOptions {
  /** Where the CSV files are (a Lambda bundle ships them elsewhere). @default BUILTIN_DATASETS_DIR */
  readonly dir?: string;
}

/**
 * Registers a built-in dataset from `datasets/{name}.csv` (idempotent: loading it twice gives
 * the same version).
 * @throws ValidationError (field `builtin`) for a name that is not built in.
 *
 * @example
 * const iris = await loadBuiltinDataset(deps, 'iris');
 */
export async function loadBuiltinDataset(
  deps: CoreDeps,
  name: string,
  options: LoadBuiltinOptions = {},
): Promise<DatasetRecord> {
  const builtin = BUILTIN_DATASETS.find((d) => d.name === name);
  if (!builtin) {
    const known = BUILTIN_DATASETS.map((d) => d.name).join(', ');
    throw new ValidationError(`builtin: '${name}' is not a built-in dataset (known: ${known})`, 'builtin');
  }
  const csv = await readFile(join(options.dir ?? BUILTIN_DATASETS_DIR, `${builtin.name}.csv`));
  return registerDataset(deps, { name: builtin.name, csv, description: builtin.description });
}
