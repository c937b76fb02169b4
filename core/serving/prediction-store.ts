import { type PredictionLogRecord, PredictionLogRecordSchema } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import { queryAll, queryItems } from '../storage/dynamo.js';
import {
  endpointGsiPk,
  feedbackAttribute,
  logPk,
  MAX_PART_SPAN_MS,
  partText,
  type StoredFeedback,
  segmentOf,
} from './log-layout.js';

type Item = Record<string, unknown>;

/** A logged record with the key of the part that holds it (feedback is written there). */
export interface LocatedRecord {
  readonly record: PredictionLogRecord;
  readonly partKey: { pk: string; sk: string };
}

/** The part's records with their ground truth merged in (answers only; shadows carry none). */
function* partRecords(item: Item, keep?: (line: string) => boolean): Generator<PredictionLogRecord> {
  const text = partText(item.records);
  for (const line of text.split('\n')) {
    if (line === '' || (keep && !keep(line))) continue;
    const record = PredictionLogRecordSchema.parse(JSON.parse(line));
    const feedback = record.shadow
      ? undefined
      : (item[feedbackAttribute(record.requestId)] as StoredFeedback | undefined);
    // Object.assign, not a spread: a drift window reads every answered record, and V8 copies a
    // spread parsed record slowly (bench/drift.ts reads records at scale).
    yield feedback ? Object.assign(record, { actual: feedback.actual, feedbackAt: feedback.at }) : record;
  }
}

/** Every record of a request (the answer and its shadows), each with the part that holds it. */
export async function locatePredictionRecords(deps: CoreDeps, requestId: string): Promise<LocatedRecord[]> {
  const out: LocatedRecord[] = [];
  // Cheap pre-check before parsing: a line names its request id verbatim.
  const needle = `"requestId":${JSON.stringify(requestId)}`;
  const items = await queryAll(deps, {
    TableName: deps.tables.predictions,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': logPk(segmentOf(requestId)) },
    ConsistentRead: true,
  });
  for (const item of items) {
    const partKey = { pk: String(item.pk), sk: String(item.sk) };
    for (const record of partRecords(item, (line) => line.includes(needle))) {
      if (record.requestId === requestId) out.push({ record, partKey });
    }
  }
  return out;
}

/** Every record stored in a segment's partition (answers and shadows), e.g. to replay a journal without duplicates. */
export async function segmentRecords(deps: CoreDeps, segment: string): Promise<PredictionLogRecord[]> {
  const items = await queryAll(deps, {
    TableName: deps.tables.predictions,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': logPk(segment) },
    ConsistentRead: true,
  });
  return items.flatMap((item) => [...partRecords(item)]);
}

/** Every record of a request: the answer and its shadows. */
export async function getPredictionRecords(
  deps: CoreDeps,
  requestId: string,
): Promise<PredictionLogRecord[]> {
  return (await locatePredictionRecords(deps, requestId)).map((r) => r.record);
}

/** The answered record of a request; NotFoundError when no such request was logged. */
export async function getPrediction(deps: CoreDeps, requestId: string): Promise<PredictionLogRecord> {
  const served = (await locatePredictionRecords(deps, requestId)).find((r) => !r.record.shadow);
  if (!served) throw new NotFoundError('prediction', requestId);
  return served.record;
}

export interface PredictionWindow {
  readonly endpoint: string;
  readonly from: Date;
  readonly to: Date;
  /** @default false */
  readonly includeShadows?: boolean;
}

/**
 * The endpoint's logged predictions with `from <= at < to`, part by part in time order (records
 * within a part in the order they were logged), paged lazily so a million-row window does not
 * sit in memory at once.
 */
export async function* queryPredictions(
  deps: CoreDeps,
  window: PredictionWindow,
): AsyncGenerator<PredictionLogRecord> {
  const from = window.from.getTime();
  const to = window.to.getTime();
  const items = queryItems(deps, {
    TableName: deps.tables.predictions,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': endpointGsiPk(window.endpoint),
      // A part starting up to MAX_PART_SPAN_MS earlier may hold records of the window.
      ':from': new Date(from - MAX_PART_SPAN_MS).toISOString(),
      // '#' sorts before digits: every `<to>#...` key is excluded, earlier times included.
      ':to': window.to.toISOString(),
    },
  });
  for await (const item of items) {
    for (const record of partRecords(item)) {
      const at = Date.parse(record.at);
      if (at < from || at >= to || (record.shadow && !window.includeShadows)) continue;
      yield record;
    }
  }
}
