import type { AbMetric, FeedbackValue, PredictionLogRecord } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { attachFeedback, type FeedbackResult } from '../serving/feedback.js';
import { sampleScore } from './evaluate.js';
import { evaluateCurrentAbTest } from './lifecycle.js';
import { addArmScores, getAbTest } from './store.js';

export interface RecordFeedbackOptions {
  /** Evaluate the test after every `evaluateEvery` labelled samples. @default 10 */
  readonly evaluateEvery?: number;
}

/** Per-row scores of a record against its ground truth (rows without a usable score are skipped). */
export function scoresOf(metric: AbMetric, record: PredictionLogRecord): number[] {
  const outputs = record.outputs ?? [];
  const actual: readonly FeedbackValue[] = Array.isArray(record.actual)
    ? record.actual
    : record.actual === undefined
      ? []
      : [record.actual];
  return outputs.flatMap((p, i) => {
    const s = i < actual.length ? sampleScore(metric, p, actual[i]) : undefined;
    return s === undefined ? [] : [s];
  });
}

/**
 * `PUT /v1/predictions/{id}/feedback`: attaches ground truth (idempotent) and, the first time
 * only, counts it toward the A/B test the prediction was served under; every `evaluateEvery`
 * samples the test is evaluated (and may promote).
 */
export async function recordFeedback(
  deps: CoreDeps,
  requestId: string,
  body: unknown,
  options: RecordFeedbackOptions = {},
): Promise<FeedbackResult> {
  const result = await attachFeedback(deps, requestId, body);
  const { record } = result;
  const arm = record.variant === 'champion' || record.variant === 'challenger' ? record.variant : undefined;
  if (!result.changed || !record.abTestId || record.shadow || !arm) return result;
  const test = await getAbTest(deps, record.endpoint, record.abTestId);
  const scores = scoresOf(test.metric, record);
  if (scores.length === 0 || test.state !== 'running') return result;
  const updated = await addArmScores(deps, record.endpoint, test.testId, arm, scores);
  const every = options.evaluateEvery ?? 10;
  const total = updated ? updated.championN + updated.challengerN : 0;
  if (updated && Math.floor(total / every) > Math.floor((total - scores.length) / every)) {
    await evaluateCurrentAbTest(deps, record.endpoint);
  }
  return result;
}
