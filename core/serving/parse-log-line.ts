import { type PredictionLogRecord, PredictionLogRecordSchema } from '../../contracts/serving.js';
import { PREDICTION_LINE_KEY } from './log-lines.js';

// The reading side of log-lines.ts, apart from it so the predict function, which only writes
// lines, does not build the log record's schema at its cold start.

/**
 * The record in one log message, as `LinePredictionLog` emitted it; the message may carry the
 * Lambda runtime's text prefix (`<time>\t<request id>\t<level>\t`) or be its JSON log format.
 * @returns undefined for a message that is not a prediction line
 * @throws Error when it is one but its record breaks the contract
 */
export function parsePredictionLine(message: string): PredictionLogRecord | undefined {
  const start = message.indexOf(`{"${PREDICTION_LINE_KEY}"`);
  if (start < 0) return undefined;
  const parsed = JSON.parse(message.slice(start)) as Record<string, unknown>;
  return PredictionLogRecordSchema.parse(parsed[PREDICTION_LINE_KEY]);
}
