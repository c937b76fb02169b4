import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Task } from '../../contracts/model-contract.js';
import { type RegisteredModel, RegisteredModelSchema } from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import { checkUpdate } from '../storage/checked-update.js';
import { listByIndex, parseItem } from '../storage/dynamo.js';
import { registryKeys } from '../storage/keys.js';

/**
 * Creates the registered model if it does not exist and allocates its next version number in
 * the same atomic UpdateItem (`ADD latestVersion :1`): concurrent callers get distinct numbers.
 */
export async function allocateVersion(
  deps: CoreDeps,
  input: { model: string; task?: Task; description?: string },
): Promise<number> {
  const now = deps.now().toISOString();
  checkUpdate(RegisteredModelSchema, {
    set: {
      latestVersion: 1,
      name: input.model,
      createdAt: now,
      tags: {},
      task: input.task,
      description: input.description,
    },
  });
  const result = await deps.ddb.send(
    new UpdateCommand({
      TableName: deps.tables.registry,
      Key: registryKeys.model(input.model),
      UpdateExpression:
        'ADD latestVersion :one SET #name = if_not_exists(#name, :name), createdAt = if_not_exists(createdAt, :now), ' +
        'tags = if_not_exists(tags, :tags), gsi1pk = :gpk, gsi1sk = :gsk' +
        (input.task ? ', task = if_not_exists(task, :task)' : '') +
        (input.description ? ', description = if_not_exists(description, :description)' : ''),
      ExpressionAttributeNames: { '#name': 'name' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':name': input.model,
        ':now': now,
        ':tags': {},
        ':gpk': registryKeys.modelIndex(input.model).gsi1pk,
        ':gsk': registryKeys.modelIndex(input.model).gsi1sk,
        ...(input.task ? { ':task': input.task } : {}),
        ...(input.description ? { ':description': input.description } : {}),
      },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const allocated = result.Attributes?.latestVersion;
  if (typeof allocated !== 'number')
    throw new Error(`version counter of model '${input.model}' is not a number`);
  return allocated;
}

/**
 * A registered model.
 * @throws NotFoundError('model', name)
 */
export async function getModel(deps: CoreDeps, input: { model: string }): Promise<RegisteredModel> {
  const { Item } = await deps.ddb.send(
    new GetCommand({
      TableName: deps.tables.registry,
      Key: registryKeys.model(input.model),
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new NotFoundError('model', input.model);
  return parseItem(RegisteredModelSchema, Item);
}

/** Every registered model, by name. */
export async function listModels(deps: CoreDeps): Promise<RegisteredModel[]> {
  return listByIndex(deps, deps.tables.registry, 'MODELS', (item) => parseItem(RegisteredModelSchema, item));
}
