import type { OpenAPIHono } from '@hono/zod-openapi';
import { PredictRequestSchema, PredictResponseSchema } from '../../../contracts/serving.js';
import { type PredictContext, predict } from '../../../core/serving/predict.js';
import type { ApiContext } from '../context.js';
import { headerOf } from '../middleware.js';
import { defineRoute } from '../route.js';
import { EndpointParams } from './params.js';

/**
 * `POST /v1/endpoints/{name}/predict`. The body is checked by core against the model contract
 * (rows named by path, e.g. `instances[3].petal_width`), so the router only parses the JSON.
 * The answer does not wait for the prediction log: records are written in the background
 * (`close()` from createApp / the Lambda handler flush them).
 */
export function mountPredictRoutes(app: OpenAPIHono, ctx: ApiContext, serving: PredictContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/endpoints/{name}/predict',
      summary:
        'Predict: {features} (one row), {instances} (a batch), or MLflow dataframe_split / dataframe_records / inputs',
      tag: 'serving',
      params: EndpointParams,
      rawBody: PredictRequestSchema,
      response: PredictResponseSchema,
    },
    ({ params, body, c }) =>
      predict(deps, serving, { endpoint: params.name, body, header: (name) => headerOf(c, name) }),
  );
}
