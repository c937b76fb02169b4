import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type FeedbackRequest,
  FeedbackRequestSchema,
  type PredictionLogRecord,
} from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError, ValidationError } from '../errors.js';
import { fromItem, getPrediction, predictionPk, SERVED_SK } from './prediction-store.js';

export interface FeedbackResult {
  readonly record: PredictionLogRecord;
  /** False when the same ground truth was already attached (idempotent repeat). */
  readonly changed: boolean;
}

function sameActual(a: FeedbackRequest['actual'] | undefined, b: FeedbackRequest['actual']): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Attaches ground truth to a logged prediction. Idempotent: the same `actual` again answers the
 * stored record with `changed: false`; a different one is a ConflictError (ground truth is
 * write-once, so A/B counts cannot be skewed by resubmission). Unknown id -> NotFoundError.
 * A batch request takes one `actual` per row.
 */
export async function attachFeedback(
  deps: CoreDeps,
  requestId: string,
  body: unknown,
  retried = false,
): Promise<FeedbackResult> {
  const parsed = FeedbackRequestSchema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { actual } = parsed.data;
  const rows = Array.isArray(actual) ? actual.length : 1;
  try {
    const res = await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.predictions,
        Key: { pk: predictionPk(requestId), sk: SERVED_SK },
        UpdateExpression: 'SET actual = :actual, feedbackAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(actual) AND rowCount = :rows',
        ExpressionAttributeValues: { ':actual': actual, ':at': deps.now().toISOString(), ':rows': rows },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { record: fromItem(res.Attributes ?? {}), changed: true };
  } catch (error) {
    if (
      !(
        error instanceof ConditionalCheckFailedException ||
        (error instanceof Error && error.name === 'ConditionalCheckFailedException')
      )
    ) {
      throw error;
    }
  }
  // The condition failed: say which rule (unknown id throws NotFound from here).
  const record = await getPrediction(deps, requestId);
  if (record.actual !== undefined) {
    if (sameActual(record.actual, actual)) return { record, changed: false };
    throw new ConflictError(
      `prediction '${requestId}' already has feedback ${JSON.stringify(record.actual)}; ground truth is write-once`,
    );
  }
  if (record.rowCount === rows && !retried) {
    // The record was written between the update and this read (the log writes in the
    // background): the update can succeed now.
    return attachFeedback(deps, requestId, body, true);
  }
  throw new ValidationError(
    `actual: request '${requestId}' scored ${record.rowCount} row(s); send ${record.rowCount === 1 ? 'one value' : `an array of ${record.rowCount} values`}`,
    'actual',
  );
}
