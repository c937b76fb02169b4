import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type ModelVersion,
  type ModelVersionInput,
  ModelVersionInputSchema,
  ModelVersionSchema,
  type ModelVersionStatus,
} from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError, NotFoundError } from '../errors.js';
import { checkUpdate } from '../storage/checked-update.js';
import { isConditionFailed, parseItem, queryAll } from '../storage/dynamo.js';
import { pad, registryKeys } from '../storage/keys.js';
import { toItem } from '../storage/storable.js';
import { allocateVersion } from './models.js';
import { nextVersionLabel } from './version-label.js';

/**
 * Registers a new version of `input.model` (creating the model on first use). The number comes
 * from the model's atomic counter; the version item is written with `attribute_not_exists`, so
 * a number is never reused. The label compares with the newest version visible below it.
 *
 * @example
 * const v = await registerModelVersion(deps, { model: 'iris', runId, algorithm: 'random_forest',
 *   contract, metrics, score: 0.97, onnxUri, onnxSha256, baselineUri });
 */
export async function registerModelVersion(deps: CoreDeps, input: ModelVersionInput): Promise<ModelVersion> {
  const parsed = ModelVersionInputSchema.safeParse(input);
  if (!parsed.success) throw fromZodError(parsed.error);
  const data = parsed.data;
  const version = await allocateVersion(deps, { model: data.model, task: data.contract.task });
  const previous = await latestVersionBelow(deps, data.model, version);
  const record: ModelVersion = toItem(ModelVersionSchema, {
    ...data,
    version,
    versionLabel: nextVersionLabel(previous, data),
    createdAt: deps.now().toISOString(),
    status: 'READY',
  });
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.registry,
        Item: { ...registryKeys.version(data.model, version), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error))
      throw new ConflictError(`model '${data.model}' version ${version} already exists`);
    throw error;
  }
  return record;
}

async function latestVersionBelow(
  deps: CoreDeps,
  model: string,
  below: number,
): Promise<ModelVersion | undefined> {
  if (below <= 1) return undefined;
  const { Items } = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.tables.registry,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: {
        ':pk': registryKeys.modelPk(model),
        ':lo': `VERSION#${pad(1)}`,
        ':hi': `VERSION#${pad(below - 1)}`,
      },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return Items?.[0] ? parseItem(ModelVersionSchema, Items[0]) : undefined;
}

/**
 * One version of a model.
 * @throws NotFoundError('model', name) for an unknown model, ('model version', 'name v3') for an unknown version.
 */
export async function getModelVersion(
  deps: CoreDeps,
  input: { model: string; version: number },
): Promise<ModelVersion> {
  const { Item } = await deps.ddb.send(
    new GetCommand({
      TableName: deps.tables.registry,
      Key: registryKeys.version(input.model, input.version),
      ConsistentRead: true,
    }),
  );
  if (Item) return parseItem(ModelVersionSchema, Item);
  await assertModelExists(deps, input.model);
  throw new NotFoundError('model version', `${input.model} v${input.version}`);
}

async function assertModelExists(deps: CoreDeps, model: string): Promise<void> {
  const { Item } = await deps.ddb.send(
    new GetCommand({
      TableName: deps.tables.registry,
      Key: registryKeys.model(model),
      ProjectionExpression: 'pk',
    }),
  );
  if (!Item) throw new NotFoundError('model', model);
}

/**
 * Versions of a model in ascending number order.
 * @throws NotFoundError('model', name)
 */
export async function listModelVersions(deps: CoreDeps, input: { model: string }): Promise<ModelVersion[]> {
  const items = await queryAll(deps, {
    TableName: deps.tables.registry,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': registryKeys.modelPk(input.model), ':prefix': 'VERSION#' },
  });
  if (items.length === 0) await assertModelExists(deps, input.model);
  return items.map((item) => parseItem(ModelVersionSchema, item));
}

/**
 * Marks a version READY or ARCHIVED.
 * @throws NotFoundError for an unknown model or version.
 */
export async function setModelVersionStatus(
  deps: CoreDeps,
  input: { model: string; version: number; status: ModelVersionStatus },
): Promise<ModelVersion> {
  checkUpdate(ModelVersionSchema, { set: { status: input.status } });
  try {
    const { Attributes } = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.registry,
        Key: registryKeys.version(input.model, input.version),
        UpdateExpression: 'SET #status = :status',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': input.status },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return parseItem(ModelVersionSchema, Attributes ?? {});
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    await assertModelExists(deps, input.model);
    throw new NotFoundError('model version', `${input.model} v${input.version}`);
  }
}
