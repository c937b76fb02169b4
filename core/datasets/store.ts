import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type DatasetAppended,
  type DatasetRecord,
  DatasetNameSchema,
  DatasetRecordSchema,
  type DatasetVersionRef,
  DatasetVersionSchema,
} from '../../contracts/dataset.js';
import type { DatasetSchema, DatasetValueCounts } from '../../contracts/dataset-schema.js';
import { putArtifact, putJson } from '../artifacts/index.js';
import { csvProfileOfStream } from '../data/index.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError, NotFoundError, ValidationError } from '../errors.js';
import { toS3Uri } from '../artifacts/uri.js';
import { toItem } from '../storage/storable.js';
import { isConditionFailed, listByIndex, parseItem, queryAll } from '../storage/dynamo.js';
import { trackingKeys } from '../storage/keys.js';
import { datasetArtifactKeys } from './keys.js';

export { datasetArtifactKeys } from './keys.js';

export interface RegisterDatasetInput {
  readonly name: string;
  /** The CSV file's bytes (or text, taken as UTF-8): the version is their sha256. */
  readonly csv: Uint8Array | string;
  readonly description?: string;
  /** Continuous training's origin of the version (see DatasetAppendedSchema). */
  readonly appended?: DatasetAppended;
}

/**
 * Registers a CSV as a dataset version: parses it (header, types, row count), writes
 * `data.csv` and `schema.json` under `datasets/{name}/{sha256}/`, records the version in the
 * tracking table and makes it the name's latest. The same bytes registered again return the
 * existing record (and make it the latest again): registering is idempotent.
 *
 * @throws ValidationError naming `name` or `csv` (an unparseable file names its row).
 *
 * @example
 * const iris = await registerDataset(deps, { name: 'iris', csv: readFileSync('datasets/iris.csv') });
 * // iris.version === sha256 of the bytes; iris.uri === 's3://cirrus-artifacts/datasets/iris/<sha>/data.csv'
 */
export async function registerDataset(deps: CoreDeps, input: RegisterDatasetInput): Promise<DatasetRecord> {
  const bytes = typeof input.csv === 'string' ? new TextEncoder().encode(input.csv) : input.csv;
  const name = checkedName(input.name);
  const { schema, values } = await csvProfileOfStream([bytes], { field: 'csv' });
  return recordDatasetVersion(deps, {
    ...input,
    name,
    schema,
    values,
    writeData: (key) => putArtifact(deps, { key, body: bytes, contentType: 'text/csv' }),
  });
}

/** The dataset name, parsed; a ValidationError naming `name` otherwise. */
export function checkedName(name: string): string {
  const parsed = DatasetNameSchema.safeParse(name);
  if (!parsed.success) throw fromZodError(parsed.error, 'name');
  return parsed.data;
}

export interface RecordDatasetInput {
  readonly name: string;
  /** The CSV's schema (`csvSchemaOfStream`): its sha256 is the version. */
  readonly schema: DatasetSchema;
  /** The CSV's value counts (`csvProfileOfStream`), stored as values.json beside schema.json. */
  readonly values?: DatasetValueCounts;
  readonly description?: string;
  readonly appended?: DatasetAppended;
  /** Stores the CSV's bytes at `key`; called only for a new version, after every check. */
  readonly writeData: (key: string) => Promise<unknown>;
}

/**
 * The one registration path of a dataset version, whichever way its bytes arrived (a request
 * body, a built-in file, a presigned upload): the same bytes return the existing version (made
 * latest again); a new one writes `data.csv` and `schema.json`, then the version item, then latest.
 */
export async function recordDatasetVersion(
  deps: CoreDeps,
  input: RecordDatasetInput,
): Promise<DatasetRecord> {
  const { name, schema } = input;
  const version = schema.sha256;
  const existing = await findVersion(deps, name, version);
  if (existing) {
    await makeLatest(deps, existing);
    return existing;
  }
  if (schema.rowCount === 0) throw new ValidationError('csv: the file has a header but no data rows', 'csv');
  const dataKey = datasetArtifactKeys.data(name, version);
  const schemaKey = datasetArtifactKeys.schema(name, version);
  // Checked before any object is written: a record DynamoDB cannot hold leaves nothing behind.
  const record = checkedRecord({
    name,
    version,
    schema,
    uri: toS3Uri(deps.bucket, dataKey),
    schemaUri: toS3Uri(deps.bucket, schemaKey),
    rowCount: schema.rowCount,
    bytes: schema.bytes,
    createdAt: deps.now().toISOString(),
    description: input.description,
    appended: input.appended,
  });
  const values = input.values;
  await Promise.all([
    input.writeData(dataKey),
    putJson(deps, { key: schemaKey, value: schema }),
    values && putJson(deps, { key: datasetArtifactKeys.values(name, version), value: values }),
  ]);
  const stored = await putVersion(deps, record);
  await makeLatest(deps, stored);
  return stored;
}

/** The record as stored; one over DynamoDB's item limit is refused naming the CSV's header. */
function checkedRecord(record: DatasetRecord): DatasetRecord {
  try {
    return toItem(DatasetRecordSchema, record);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const columns = record.schema.columns.length;
    throw new ValidationError(
      `csv: the header (${columns} columns) makes a schema too large to record (${error.message})`,
      'csv',
    );
  }
}

/** Writes the version item once; a concurrent registration of the same bytes wins harmlessly. */
async function putVersion(deps: CoreDeps, record: DatasetRecord): Promise<DatasetRecord> {
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.tracking,
        Item: { ...trackingKeys.datasetVersion(record.name, record.version), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return record;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const winner = await findVersion(deps, record.name, record.version);
    if (!winner) throw error;
    return winner;
  }
}

/**
 * Points the name's LATEST item (also its entry in the dataset list) at a version. Conditional
 * on time, so of two concurrent registrations the later one stays latest.
 */
async function makeLatest(deps: CoreDeps, record: DatasetRecord): Promise<void> {
  const current = await findLatest(deps, record.name);
  if (current?.version === record.version) return;
  const now = deps.now().toISOString();
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.tracking,
        Item: {
          ...trackingKeys.datasetLatest(record.name),
          ...trackingKeys.datasetIndex(record.name),
          ...record,
          latestAt: now,
        },
        ConditionExpression: 'attribute_not_exists(pk) OR latestAt <= :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
  } catch (error) {
    // A registration stamped later moved it meanwhile: that one is the latest.
    if (!isConditionFailed(error)) throw error;
  }
}

async function findVersion(deps: CoreDeps, name: string, version: string): Promise<DatasetRecord | null> {
  return getRecord(deps, trackingKeys.datasetVersion(name, version));
}

async function findLatest(deps: CoreDeps, name: string): Promise<DatasetRecord | null> {
  return getRecord(deps, trackingKeys.datasetLatest(name));
}

async function getRecord(deps: CoreDeps, key: { pk: string; sk: string }): Promise<DatasetRecord | null> {
  const { Item } = await deps.ddb.send(
    new GetCommand({ TableName: deps.tables.tracking, Key: key, ConsistentRead: true }),
  );
  return Item ? parseItem(DatasetRecordSchema, Item) : null;
}

/**
 * One dataset version (its sha256 or a unique prefix of it, 6 characters or more), or the
 * latest one of the name.
 * @throws NotFoundError('dataset', name) / ('dataset', 'name@version'); ValidationError for a
 * version that is neither a sha256 nor `latest`.
 */
export async function getDataset(
  deps: CoreDeps,
  name: string,
  version: DatasetVersionRef = 'latest',
): Promise<DatasetRecord> {
  if (version === 'latest') {
    const latest = await findLatest(deps, name);
    if (!latest) throw new NotFoundError('dataset', name);
    return latest;
  }
  if (VERSION_PREFIX.test(version) && version.length < 64) return versionByPrefix(deps, name, version);
  const parsed = DatasetVersionSchema.safeParse(version);
  if (!parsed.success) throw fromZodError(parsed.error, 'version');
  const record = await findVersion(deps, name, parsed.data);
  if (!record) throw new NotFoundError('dataset', `${name}@${parsed.data}`);
  return record;
}

/** A version may be named by a prefix of its sha256 (tables show 12 characters), at least 6 long. */
const VERSION_PREFIX = /^[0-9a-f]{6,64}$/;

/** The one version whose sha256 starts with `prefix`; ValidationError naming the candidates when several do. */
async function versionByPrefix(deps: CoreDeps, name: string, prefix: string): Promise<DatasetRecord> {
  let versions: DatasetRecord[];
  try {
    versions = await listDatasetVersions(deps, name);
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError('dataset', `${name}@${prefix}`);
    throw error;
  }
  const matches = versions.filter((v) => v.version.startsWith(prefix));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new NotFoundError('dataset', `${name}@${prefix}`);
  throw new ValidationError(
    `version: '${prefix}' matches ${matches.length} versions of '${name}' (${matches.map((m) => m.version.slice(0, 16)).join(', ')}); give more characters`,
    'version',
  );
}

/** The latest version of every dataset, by name. */
export async function listDatasets(deps: CoreDeps): Promise<DatasetRecord[]> {
  return listByIndex(deps, deps.tables.tracking, trackingKeys.datasetIndex('').gsi1pk, (item) =>
    parseItem(DatasetRecordSchema, item),
  );
}

/**
 * Every version of a dataset, oldest first.
 * @throws NotFoundError('dataset', name) when it has none.
 */
export async function listDatasetVersions(deps: CoreDeps, name: string): Promise<DatasetRecord[]> {
  const items = await queryAll(deps, {
    TableName: deps.tables.tracking,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
    ExpressionAttributeValues: { ':pk': trackingKeys.datasetPk(name), ':v': 'V#' },
    ConsistentRead: true,
  });
  if (items.length === 0) throw new NotFoundError('dataset', name);
  return items
    .map((item) => parseItem(DatasetRecordSchema, item))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
