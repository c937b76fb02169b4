import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda';
import { ingestPredictionLines } from '../../core/serving/log-ingest.js';
import { PredictionLogWriter } from '../../core/serving/prediction-log.js';
import { lambdaDeps } from '../env-deps.js';

/** A subscription's payload: base64 of gzip of the JSON batch. */
export function decodeLogsEvent(event: CloudWatchLogsEvent): CloudWatchLogsDecodedData {
  return JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as CloudWatchLogsDecodedData;
}

/**
 * Lambda entry of the log-ingest function: the predict function's log group is subscribed to
 * it, and it stores the prediction records among the lines (core/serving/log-lines.ts), each
 * once. A failed write throws: Lambda retries the batch, then sends it to the dead-letter queue.
 */
export async function handler(event: CloudWatchLogsEvent): Promise<void> {
  const data = decodeLogsEvent(event);
  if (data.messageType !== 'DATA_MESSAGE') return; // the subscription's control message
  const deps = lambdaDeps();
  const result = await ingestPredictionLines(deps, new PredictionLogWriter(deps), data.logEvents);
  for (const { id, reason } of result.rejected)
    console.error(JSON.stringify({ rejectedPredictionLine: id, logStream: data.logStream, reason }));
  console.log(JSON.stringify({ ingested: result.stored, duplicates: result.duplicates, rejected: result.rejected.length }));
}
