import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { PredictionActivitySchema } from '../../../contracts/prediction-activity.js';
import { getEndpoint } from '../../../core/serving/endpoints.js';
import { predictionActivity } from '../../../core/serving/prediction-activity.js';
import type { PredictContext } from '../../../core/serving/predict.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';
import { EndpointParams } from './params.js';

const ActivityQuery = z.object({
  minutes: z.coerce.number().int().min(1).max(1440).default(60),
  recent: z.coerce.number().int().min(0).max(200).default(20),
});

/** Read-only: an endpoint's traffic and latest predictions, from the prediction log (the console's source). */
export function mountPredictionActivityRoutes(
  app: OpenAPIHono,
  ctx: ApiContext,
  serving: PredictContext,
): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/endpoints/{name}/predictions',
      summary:
        'Requests per minute and per variant, latency, and the latest predictions with their ground truth',
      tag: 'serving',
      params: EndpointParams,
      query: ActivityQuery,
      response: PredictionActivitySchema,
    },
    async ({ params, query }) => {
      await getEndpoint(deps, params.name); // 404 for an unknown endpoint
      await serving.log.flush(); // what this process answered is part of the picture
      const to = new Date();
      const from = new Date(to.getTime() - query.minutes * 60_000);
      return predictionActivity(deps, { endpoint: params.name, from, to, recent: query.recent });
    },
  );
}
