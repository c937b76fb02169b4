import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Endpoint, EndpointSchema, type TrafficConfig } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError } from '../errors.js';
import { endpointKeys } from '../serving/endpoints.js';
import { checkUpdate } from '../storage/checked-update.js';
import { isConditionFailed } from '../storage/dynamo.js';

/**
 * Attaches a test to its endpoint and routes its split, conditional on the revision read and on
 * no other test running: two concurrent starts cannot both win.
 */
export async function attachAbTest(
  deps: CoreDeps,
  endpoint: Endpoint,
  testId: string,
  traffic: TrafficConfig,
): Promise<void> {
  const now = deps.now().toISOString();
  const next = endpoint.revision + 1;
  checkUpdate(EndpointSchema, { set: { traffic, abTestId: testId, revision: next, updatedAt: now } });
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.registry,
        Key: endpointKeys.endpoint(endpoint.name),
        UpdateExpression: 'SET traffic = :traffic, abTestId = :id, revision = :next, updatedAt = :now',
        ConditionExpression: 'revision = :rev AND attribute_not_exists(abTestId)',
        ExpressionAttributeValues: {
          ':traffic': traffic,
          ':id': testId,
          ':rev': endpoint.revision,
          ':next': next,
          ':now': now,
        },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) {
      throw new ConflictError(
        `endpoint '${endpoint.name}' changed or started another A/B test concurrently; retry`,
      );
    }
    throw error;
  }
}

/**
 * Detaches an ended test and restores the traffic from before it (or none: serve `champion`,
 * which a promotion has just moved). Only the test that is attached can detach itself.
 */
export async function detachAbTest(
  deps: CoreDeps,
  name: string,
  testId: string,
  previous: TrafficConfig | undefined,
): Promise<void> {
  const values: Record<string, unknown> = { ':id': testId, ':one': 1, ':now': deps.now().toISOString() };
  if (previous) values[':traffic'] = previous;
  checkUpdate(EndpointSchema, {
    set: { traffic: previous, lastAbTestId: testId, revision: values[':one'], updatedAt: values[':now'] },
    remove: previous ? ['abTestId'] : ['abTestId', 'traffic'],
  });
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.registry,
        Key: endpointKeys.endpoint(name),
        UpdateExpression: previous
          ? 'SET traffic = :traffic, lastAbTestId = :id, revision = revision + :one, updatedAt = :now REMOVE abTestId'
          : 'SET lastAbTestId = :id, revision = revision + :one, updatedAt = :now REMOVE abTestId, traffic',
        ConditionExpression: 'abTestId = :id',
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    // Already detached by a concurrent evaluator: nothing left to do.
    if (!isConditionFailed(error)) throw error;
  }
}
