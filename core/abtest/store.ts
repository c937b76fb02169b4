import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AbLook,
  type AbTestRecord,
  AbTestRecordSchema,
  type ArmCounts,
} from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import { endpointKeys } from '../serving/endpoints.js';
import { checkUpdate } from '../storage/checked-update.js';
import { isConditionFailed } from '../storage/dynamo.js';
import { toItem } from '../storage/storable.js';

export type Arm = 'champion' | 'challenger';

function parseTest(item: Record<string, unknown>): AbTestRecord {
  const { pk: _pk, sk: _sk, ...fields } = item;
  return AbTestRecordSchema.parse(fields);
}

export function armCounts(test: AbTestRecord, arm: Arm): ArmCounts {
  return arm === 'champion'
    ? { n: test.championN, sum: test.championSum, sumSquares: test.championSumSquares }
    : { n: test.challengerN, sum: test.challengerSum, sumSquares: test.challengerSumSquares };
}

export async function putAbTest(deps: CoreDeps, test: AbTestRecord): Promise<void> {
  await deps.ddb.send(
    new PutCommand({
      TableName: deps.tables.registry,
      Item: { ...endpointKeys.abTest(test.endpoint, test.testId), ...toItem(AbTestRecordSchema, test) },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getAbTest(deps: CoreDeps, endpoint: string, testId: string): Promise<AbTestRecord> {
  const res = await deps.ddb.send(
    new GetCommand({
      TableName: deps.tables.registry,
      Key: endpointKeys.abTest(endpoint, testId),
      ConsistentRead: true,
    }),
  );
  if (!res.Item) throw new NotFoundError('A/B test', `${endpoint}/${testId}`);
  return parseTest(res.Item);
}

/**
 * Adds labelled samples' scores to one arm with in-place arithmetic (no read-modify-write),
 * only while the test runs. Returns the updated test, or null if it already ended.
 */
export async function addArmScores(
  deps: CoreDeps,
  endpoint: string,
  testId: string,
  arm: Arm,
  scores: readonly number[],
): Promise<AbTestRecord | null> {
  const sum = scores.reduce((a, s) => a + s, 0);
  const sumSquares = scores.reduce((a, s) => a + s * s, 0);
  // The operands of the in-place additions: non-negative operands keep the counters valid.
  checkUpdate(AbTestRecordSchema, {
    set: { [`${arm}N`]: scores.length, [`${arm}Sum`]: sum, [`${arm}SumSquares`]: sumSquares },
  });
  try {
    const res = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.registry,
        Key: endpointKeys.abTest(endpoint, testId),
        UpdateExpression: `SET ${arm}N = ${arm}N + :n, ${arm}Sum = ${arm}Sum + :s, ${arm}SumSquares = ${arm}SumSquares + :q`,
        ConditionExpression: '#state = :running',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':n': scores.length,
          ':s': sum,
          ':q': sumSquares,
          ':running': 'running',
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return parseTest(res.Attributes ?? {});
  } catch (error) {
    if (isConditionFailed(error)) return null;
    throw error;
  }
}

/** Fields a look or a conclusion writes. */
export interface AbTestUpdate {
  readonly pValue: number;
  /** The running confidence-sequence intersection (kept as is when omitted). */
  readonly interval?: [number, number] | null;
  readonly decision: AbTestRecord['decision'];
  readonly reason: string;
  /** Set to end the test. */
  readonly state?: 'completed' | 'stopped';
  readonly decidedAt?: string;
  /** Appended to the test's looks. */
  readonly look?: AbLook;
}

/** Looks kept per test: one DynamoDB item holds them (a look is ~200 bytes of the 400 KB). */
export const MAX_AB_LOOKS = 500;

/**
 * Records a look (running p-value) or ends the test — only while it still runs, so of several
 * concurrent evaluators exactly one concludes it. Returns false when the test had already ended.
 */
export async function updateRunningAbTest(
  deps: CoreDeps,
  endpoint: string,
  testId: string,
  update: AbTestUpdate,
): Promise<boolean> {
  const sets = ['pValue = :p', 'decision = :d', 'reason = :r'];
  const values: Record<string, unknown> = {
    ':p': update.pValue,
    ':d': update.decision,
    ':r': update.reason,
    ':running': 'running',
  };
  const names: Record<string, string> = { '#state': 'state' };
  if (update.interval) {
    sets.push('#interval = :ci');
    names['#interval'] = 'interval';
    values[':ci'] = update.interval;
  }
  if (update.look) {
    sets.push('looks = list_append(if_not_exists(looks, :none), :look)');
    values[':none'] = [];
    values[':look'] = [update.look];
  }
  if (update.state) {
    sets.push('#state = :state', 'decidedAt = :at');
    values[':state'] = update.state;
    values[':at'] = update.decidedAt ?? deps.now().toISOString();
  }
  checkUpdate(AbTestRecordSchema, {
    set: {
      pValue: update.pValue,
      decision: update.decision,
      reason: update.reason,
      interval: update.interval ?? undefined,
      state: update.state,
      decidedAt: values[':at'],
    },
  });
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.registry,
        Key: endpointKeys.abTest(endpoint, testId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: '#state = :running',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Rewrites an ended test's outcome (a promotion that could not be applied). */
export async function overrideAbTestOutcome(
  deps: CoreDeps,
  endpoint: string,
  testId: string,
  reason: string,
  state: 'completed' | 'stopped',
): Promise<void> {
  checkUpdate(AbTestRecordSchema, { set: { reason, state } });
  await deps.ddb.send(
    new UpdateCommand({
      TableName: deps.tables.registry,
      Key: endpointKeys.abTest(endpoint, testId),
      UpdateExpression: 'SET reason = :r, #state = :state',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':r': reason, ':state': state },
    }),
  );
}
