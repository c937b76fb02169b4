import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type PredictionLogRecord, PredictionLogRecordSchema } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';

/**
 * Item layout of the predictions table. One item per request and variant:
 * - `pk = PRED#<requestId>`, `sk = SERVED` (the variant that answered) or `SHADOW#<variant>`:
 *   a request's records are one Query (or one GetItem for the answer) away;
 * - `gsi1pk = EP#<endpoint>`, `gsi1sk = <ISO time>#<requestId>[#<shadow>]`: an endpoint's
 *   window is a range query (drift, A/B audits);
 * - `expiresAt`: epoch seconds, the table's TTL attribute.
 */
export const SERVED_SK = 'SERVED';
export const predictionPk = (requestId: string) => `PRED#${requestId}`;
export const endpointGsiPk = (endpoint: string) => `EP#${endpoint}`;

/** DynamoDB's item limit is 400 KB; rows beyond this budget are dropped and `truncated` set. */
const MAX_ROWS_BYTES = 300_000;
const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'expiresAt'];

/**
 * `JSON.stringify(rows).length`, but stops once `start + length` passes `budget` (a 10,000-row
 * batch is over after a few thousand rows; stringifying all of it cost ~10 % of its latency).
 */
function jsonLengthOver(rows: readonly unknown[], budget: number, start: number): number {
  let length = rows.length === 0 ? 2 : rows.length + 1; // brackets and commas
  for (const row of rows) {
    length += JSON.stringify(row).length;
    if (start + length > budget) break;
  }
  return length;
}

/** Builds the stored item for a record (keys, TTL, rows within the item-size budget). */
export function toItem(record: PredictionLogRecord, ttlSeconds: number): Record<string, unknown> {
  const sk = record.shadow ? `SHADOW#${record.variant}` : SERVED_SK;
  const item: Record<string, unknown> = {
    ...record,
    pk: predictionPk(record.requestId),
    sk,
    gsi1pk: endpointGsiPk(record.endpoint),
    gsi1sk: record.shadow
      ? `${record.at}#${record.requestId}#${record.variant}`
      : `${record.at}#${record.requestId}`,
    expiresAt: Math.floor(Date.parse(record.at) / 1000) + ttlSeconds,
  };
  // Only large batches can overflow; measuring small ones would cost every request a stringify.
  if (record.rowCount > 50) {
    const inputs = jsonLengthOver(record.inputs ?? [], MAX_ROWS_BYTES, 0);
    if (inputs + jsonLengthOver(record.outputs ?? [], MAX_ROWS_BYTES, inputs) > MAX_ROWS_BYTES) {
      delete item.inputs;
      delete item.outputs;
      item.truncated = true;
    }
  }
  return item;
}

/** Parses a stored item back into a record (keys dropped). */
export function fromItem(item: Record<string, unknown>): PredictionLogRecord {
  const fields = Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.includes(k)));
  return PredictionLogRecordSchema.parse(fields);
}

/** The answered record of a request; NotFoundError when no such request was logged. */
export async function getPrediction(deps: CoreDeps, requestId: string): Promise<PredictionLogRecord> {
  const res = await deps.ddb.send(
    new GetCommand({
      TableName: deps.tables.predictions,
      Key: { pk: predictionPk(requestId), sk: SERVED_SK },
      ConsistentRead: true,
    }),
  );
  if (!res.Item) throw new NotFoundError('prediction', requestId);
  return fromItem(res.Item);
}

/** Every record of a request: the answer and its shadows. */
export async function getPredictionRecords(
  deps: CoreDeps,
  requestId: string,
): Promise<PredictionLogRecord[]> {
  const res = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.tables.predictions,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': predictionPk(requestId) },
      ConsistentRead: true,
    }),
  );
  return (res.Items ?? []).map(fromItem);
}

export interface PredictionWindow {
  readonly endpoint: string;
  readonly from: Date;
  readonly to: Date;
  /** @default false */
  readonly includeShadows?: boolean;
}

/**
 * The endpoint's logged predictions with `from <= at < to`, oldest first, paged lazily so a
 * million-row window does not sit in memory at once.
 */
export async function* queryPredictions(
  deps: CoreDeps,
  window: PredictionWindow,
): AsyncGenerator<PredictionLogRecord> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const res = await deps.ddb.send(
      new QueryCommand({
        TableName: deps.tables.predictions,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': endpointGsiPk(window.endpoint),
          ':from': window.from.toISOString(),
          // '#' sorts before digits: every `<to>#...` key is excluded, earlier times included.
          ':to': window.to.toISOString(),
        },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of res.Items ?? []) {
      const record = fromItem(item);
      if (window.includeShadows || !record.shadow) yield record;
    }
    startKey = res.LastEvaluatedKey;
  } while (startKey);
}
