import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type FeedbackRequest,
  FeedbackRequestSchema,
  type PredictionLogRecord,
  PredictionLogRecordSchema,
} from '../../contracts/serving.js';
import type { ModelContract } from '../../contracts/model-contract.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError, NotFoundError, ValidationError } from '../errors.js';
import { getModelVersion } from '../registry/versions.js';
import { checkUpdate } from '../storage/checked-update.js';
import { isConditionFailed } from '../storage/dynamo.js';
import { feedbackAttribute, type StoredFeedback } from './log-layout.js';
import { getPrediction, locatePredictionRecords } from './prediction-store.js';

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
 * A batch request takes one `actual` per row. The ground truth must be one the serving model can
 * be scored against: a classifier's known class (ValidationError naming the classes), a
 * regressor's number; otherwise an A/B test would silently count it as an error.
 */
export async function attachFeedback(
  deps: CoreDeps,
  requestId: string,
  body: unknown,
): Promise<FeedbackResult> {
  const parsed = FeedbackRequestSchema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error);
  const { actual } = parsed.data;
  const served = (await locatePredictionRecords(deps, requestId)).find((r) => !r.record.shadow);
  if (!served) throw new NotFoundError('prediction', requestId);
  const { record } = served;
  if (record.error)
    throw new ConflictError(
      `request '${requestId}' failed (${record.error.status} ${record.error.code}): it has no prediction to give ground truth for`,
    );
  if (record.actual !== undefined) return repeated(requestId, record, actual);
  const rows = Array.isArray(actual) ? actual.length : 1;
  if (record.rowCount !== rows) {
    throw new ValidationError(
      `actual: request '${requestId}' scored ${record.rowCount} row(s); send ${record.rowCount === 1 ? 'one value' : `an array of ${record.rowCount} values`}`,
      'actual',
    );
  }
  const { contract } = await getModelVersion(deps, { model: record.model, version: record.version });
  checkActual(contract, Array.isArray(actual) ? actual : [actual], rows > 1 || Array.isArray(actual));
  const feedback: StoredFeedback = { actual, at: deps.now().toISOString() };
  // Stored beside the record, read back as its `actual` and `feedbackAt`.
  checkUpdate(PredictionLogRecordSchema, { set: { actual: feedback.actual, feedbackAt: feedback.at } });
  try {
    await deps.ddb.send(
      new UpdateCommand({
        TableName: deps.tables.predictions,
        Key: served.partKey,
        UpdateExpression: 'SET #fb = :fb',
        // Write-once: of concurrent answers exactly one lands.
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#fb)',
        ExpressionAttributeNames: { '#fb': feedbackAttribute(requestId) },
        ExpressionAttributeValues: { ':fb': feedback },
      }),
    );
    return { record: { ...record, actual, feedbackAt: feedback.at }, changed: true };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  // Another answer landed first: same value is a repeat, another is a conflict.
  return repeated(requestId, await getPrediction(deps, requestId), actual);
}

function repeated(
  requestId: string,
  record: PredictionLogRecord,
  actual: FeedbackRequest['actual'],
): FeedbackResult {
  if (sameActual(record.actual, actual)) return { record, changed: false };
  throw new ConflictError(
    `prediction '${requestId}' already has feedback ${JSON.stringify(record.actual)}; ground truth is write-once`,
  );
}

/** Each value must be a class of a classifier, a finite number for a regressor. */
function checkActual(contract: ModelContract, values: readonly unknown[], batch: boolean): void {
  values.forEach((value, i) => {
    const field = batch ? `actual[${i}]` : 'actual';
    if (contract.task === 'classification') {
      const classes = contract.classes ?? [];
      if (!classes.includes(String(value))) {
        throw new ValidationError(
          `${field}: ${JSON.stringify(value)} is not a class of this model; expected one of ${classes.map((c) => JSON.stringify(c)).join(', ')}`,
          field,
        );
      }
    } else if (contract.task === 'regression' && (typeof value !== 'number' || !Number.isFinite(value))) {
      throw new ValidationError(
        `${field}: ${JSON.stringify(value)} is not a number; a regression model is scored against a numeric actual value`,
        field,
      );
    }
  });
}
