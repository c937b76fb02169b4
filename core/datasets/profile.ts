import {
  type DatasetSchema,
  DatasetSchemaSchema,
  type DatasetValueCounts,
  DatasetValueCountsSchema,
} from '../../contracts/dataset-schema.js';
import { getJson } from '../artifacts/index.js';
import type { CoreDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import { datasetArtifactKeys } from './keys.js';

/** A dataset version's value counts (values.json); undefined for a version recorded without them. */
export async function readValueCounts(
  deps: CoreDeps,
  dataset: { readonly name: string; readonly version: string },
): Promise<DatasetValueCounts | undefined> {
  const key = datasetArtifactKeys.values(dataset.name, dataset.version);
  return absentAsUndefined(getJson(deps, { key, schema: DatasetValueCountsSchema }));
}

/**
 * What a split needs to read the dataset once: its row count and, when the version counted
 * `target`, the rows per label with missing cells under '' (as the split groups them).
 * Undefined when the version has no values.json (recorded before it existed).
 */
export async function recordedSplitCounts(
  deps: CoreDeps,
  dataset: { readonly name: string; readonly version: string },
  target: string | undefined,
): Promise<{ rows: number; labels?: Map<string, number> } | undefined> {
  const schemaKey = datasetArtifactKeys.schema(dataset.name, dataset.version);
  const [schema, values] = await Promise.all([
    absentAsUndefined<DatasetSchema>(getJson(deps, { key: schemaKey, schema: DatasetSchemaSchema })),
    readValueCounts(deps, dataset),
  ]);
  if (!schema || !values) return undefined;
  const column = values.columns.find((c) => c.name === target);
  if (!column) return { rows: schema.rowCount };
  const labels = new Map(column.values);
  const missing = schema.columns.find((c) => c.name === target)?.missing ?? 0;
  if (missing > 0) labels.set('', missing);
  return { rows: schema.rowCount, labels };
}

async function absentAsUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
