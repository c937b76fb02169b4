import type { PredictionLogRecord } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { segmentOf } from './log-layout.js';
import { parsePredictionLine } from './parse-log-line.js';
import type { PredictionLogWriter } from './prediction-log.js';
import { segmentRecords } from './prediction-store.js';

/** A record's identity in the log: its request, variant and whether it is a shadow. */
const recordKey = (r: PredictionLogRecord) => `${r.requestId}\n${r.variant}\n${r.shadow ? 1 : 0}`;

/**
 * Stores the records not already in the log, then flushes: replaying a journal or a
 * re-delivered batch of lines stores each record once. One consistent Query per segment.
 * @returns how many records were stored.
 */
export async function storeUnlogged(
  deps: CoreDeps,
  writer: PredictionLogWriter,
  records: Iterable<PredictionLogRecord>,
): Promise<number> {
  const bySegment = new Map<string, PredictionLogRecord[]>();
  for (const record of records) {
    const segment = segmentOf(record.requestId);
    const list = bySegment.get(segment);
    if (list) list.push(record);
    else bySegment.set(segment, [record]);
  }
  let stored = 0;
  for (const [segment, list] of bySegment) {
    const present = new Set((await segmentRecords(deps, segment)).map(recordKey));
    for (const record of list) {
      if (present.has(recordKey(record))) continue;
      present.add(recordKey(record));
      writer.log(record);
      stored++;
    }
  }
  await writer.flush();
  return stored;
}

/** One log message as a CloudWatch Logs subscription delivers it. */
export interface LoggedMessage {
  readonly id: string;
  readonly message: string;
}

export interface IngestResult {
  /** Records stored now. */
  readonly stored: number;
  /** Prediction lines whose record was already stored (a re-delivered batch). */
  readonly duplicates: number;
  /** Prediction lines that break the contract: named, skipped, never stored. */
  readonly rejected: readonly { readonly id: string; readonly reason: string }[];
}

/**
 * Stores the prediction records among log messages (others are ignored), each once. A line that
 * breaks the contract is reported, not stored, and does not hold back the rest.
 * @throws when DynamoDB refuses writes after retries (the caller's retry stores the rest once).
 */
export async function ingestPredictionLines(
  deps: CoreDeps,
  writer: PredictionLogWriter,
  messages: readonly LoggedMessage[],
): Promise<IngestResult> {
  const records: PredictionLogRecord[] = [];
  const rejected: { id: string; reason: string }[] = [];
  for (const { id, message } of messages) {
    try {
      const record = parsePredictionLine(message);
      if (record) records.push(record);
    } catch (error) {
      rejected.push({ id, reason: error instanceof Error ? error.message.slice(0, 500) : String(error) });
    }
  }
  const stored = await storeUnlogged(deps, writer, records);
  return { stored, duplicates: records.length - stored, rejected };
}
