import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { FeedbackRequestSchema, PredictionLogRecordSchema } from '../../../contracts/serving.js';
import { recordFeedback } from '../../../core/abtest/outcomes.js';
import { NotFoundError } from '../../../core/errors.js';
import type { PredictContext } from '../../../core/serving/predict.js';
import { getPredictionRecords } from '../../../core/serving/prediction-store.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';
import { RequestIdParams } from './params.js';

const tag = 'serving';

/**
 * A just-answered prediction may still be in this process's log buffer: on a miss, write the
 * buffer out and look once more, so a client can read or label its answer right away. Always
 * once more: the write that held the record may have landed while the first read ran (the
 * queue is empty by the time it misses), and that read did not see it.
 */
async function afterFlushOnMiss<T>(serving: PredictContext, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await serving.log.flush();
    return read();
  }
}

/** Logged predictions and their ground truth. */
export function mountPredictionRoutes(app: OpenAPIHono, ctx: ApiContext, serving: PredictContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/predictions/{requestId}',
      summary:
        'A logged prediction (inputs, outputs, variant, version, latency, feedback) with its shadow records',
      tag,
      params: RequestIdParams,
      response: PredictionLogRecordSchema.extend({ shadows: z.array(PredictionLogRecordSchema) }),
    },
    async ({ params }) => {
      // A just-answered request's record or its shadows may still be queued in this process.
      if (!serving.log.idle) await serving.log.flush();
      const records = await getPredictionRecords(deps, params.requestId);
      const served = records.find((r) => !r.shadow);
      if (!served) throw new NotFoundError('prediction', params.requestId);
      return { ...served, shadows: records.filter((r) => r.shadow) };
    },
  );
  defineRoute(
    app,
    {
      method: 'put',
      path: '/v1/predictions/{requestId}/feedback',
      summary: 'Attach ground truth (idempotent; counts toward the A/B test the prediction was served under)',
      tag,
      params: RequestIdParams,
      body: FeedbackRequestSchema,
      response: z.object({ requestId: z.string(), changed: z.boolean(), record: PredictionLogRecordSchema }),
    },
    async ({ params, body }) => {
      const result = await afterFlushOnMiss(serving, () => recordFeedback(deps, params.requestId, body));
      // Feedback may have ended a test and moved the champion: serve the outcome at once.
      if (result.record.abTestId) serving.resolver.invalidate(result.record.endpoint);
      return { requestId: params.requestId, changed: result.changed, record: result.record };
    },
  );
}
