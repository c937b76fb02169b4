import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Endpoint,
  EndpointNameSchema,
  EndpointSchema,
  type TrafficConfig,
  TrafficConfigSchema,
} from '../../contracts/endpoint.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError, NotFoundError } from '../errors.js';
import { getModelVersion } from '../registry/versions.js';
import { checkUpdate } from '../storage/checked-update.js';
import { isConditionFailed, listByIndex } from '../storage/dynamo.js';
import { toItem } from '../storage/storable.js';

/**
 * Endpoint items in the registry table:
 * | item | pk | sk | gsi1pk / gsi1sk |
 * |---|---|---|---|
 * | endpoint | `ENDPOINT#{name}` | `ENDPOINT` | `ENDPOINTS` / `{name}` |
 * | A/B test | `ENDPOINT#{name}` | `ABTEST#{testId}` | – |
 */
export const endpointKeys = {
  pk: (name: string) => `ENDPOINT#${name}`,
  endpoint: (name: string) => ({ pk: `ENDPOINT#${name}`, sk: 'ENDPOINT' }),
  index: (name: string) => ({ gsi1pk: 'ENDPOINTS', gsi1sk: name }),
  abTest: (name: string, testId: string) => ({ pk: `ENDPOINT#${name}`, sk: `ABTEST#${testId}` }),
} as const;

function parseEndpoint(item: Record<string, unknown>): Endpoint {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...fields } = item;
  return EndpointSchema.parse(fields);
}

/** The endpoint, or NotFoundError naming it. */
export async function getEndpoint(deps: CoreDeps, name: string): Promise<Endpoint> {
  const res = await deps.ddb.send(
    new GetCommand({ TableName: deps.tables.registry, Key: endpointKeys.endpoint(name) }),
  );
  if (!res.Item) throw new NotFoundError('endpoint', name);
  return parseEndpoint(res.Item);
}

/**
 * Creates the endpoint for a model if it does not exist (called on a model's first registered
 * version; repeat calls return the existing endpoint). The endpoint is named after the model
 * unless `name` is given.
 */
export async function ensureEndpoint(
  deps: CoreDeps,
  input: { model: string; name?: string },
): Promise<Endpoint> {
  const name = input.name ?? input.model;
  const parsedName = EndpointNameSchema.safeParse(name);
  if (!parsedName.success) throw fromZodError(parsedName.error, 'name');
  const now = deps.now().toISOString();
  const endpoint: Endpoint = toItem(EndpointSchema, {
    name,
    model: input.model,
    createdAt: now,
    updatedAt: now,
    revision: 1,
  });
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.registry,
        Item: { ...endpointKeys.endpoint(name), ...endpointKeys.index(name), ...endpoint },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return endpoint;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const existing = await getEndpoint(deps, name);
    if (existing.model !== input.model) {
      throw new ConflictError(`endpoint '${name}' already serves model '${existing.model}'`);
    }
    return existing;
  }
}

/** Every endpoint, by name. */
export async function listEndpoints(deps: CoreDeps): Promise<Endpoint[]> {
  return listByIndex(deps, deps.tables.registry, 'ENDPOINTS', parseEndpoint);
}

export interface UpdateTrafficOptions {
  /** Apply only if the endpoint is still at this revision (read-modify-write callers). */
  readonly expectedRevision?: number;
  /** Allowed while an A/B test runs only for the test itself. @default false */
  readonly byAbTest?: boolean;
}

/**
 * Sets (or with `null` clears, back to serving `champion`) the endpoint's traffic config.
 * Every named version must exist in the registry. Conditional on the revision, so two
 * concurrent changes cannot both apply on the same base.
 */
export async function setTraffic(
  deps: CoreDeps,
  name: string,
  body: unknown,
  options: UpdateTrafficOptions = {},
): Promise<Endpoint> {
  let traffic: TrafficConfig | undefined;
  if (body !== null) {
    const parsed = TrafficConfigSchema.safeParse(body);
    if (!parsed.success) throw fromZodError(parsed.error);
    traffic = parsed.data;
  }
  const current = await getEndpoint(deps, name);
  if (current.abTestId && !options.byAbTest) {
    throw new ConflictError(
      `endpoint '${name}' runs A/B test ${current.abTestId}; stop it before changing traffic`,
    );
  }
  for (const v of [...(traffic?.variants ?? []), ...(traffic?.shadows ?? [])]) {
    await getModelVersion(deps, { model: current.model, version: v.version });
  }
  const expected = options.expectedRevision ?? current.revision;
  const values: Record<string, unknown> = {
    ':rev': expected,
    ':next': expected + 1,
    ':now': deps.now().toISOString(),
  };
  if (traffic) values[':traffic'] = traffic;
  checkUpdate(EndpointSchema, {
    set: { traffic, revision: values[':next'], updatedAt: values[':now'] },
    remove: traffic ? [] : ['traffic'],
  });
  try {
    const res = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.registry,
        Key: endpointKeys.endpoint(name),
        UpdateExpression: traffic
          ? 'SET traffic = :traffic, revision = :next, updatedAt = :now'
          : 'SET revision = :next, updatedAt = :now REMOVE traffic',
        ConditionExpression: 'revision = :rev',
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return parseEndpoint(res.Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error))
      throw new ConflictError(`endpoint '${name}' changed concurrently (revision ${expected}); retry`);
    throw error;
  }
}
