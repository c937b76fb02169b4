import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { PredictRequestSchema, PredictResponseSchema } from '../../../contracts/serving.js';
import type { PredictContext } from '../../../core/serving/predict.js';
import type { ApiContext } from '../context.js';
import { headerOf, headersOf } from '../middleware.js';
import { type AdmitOptions, answerPredict, type PredictRequest } from '../predict-admission.js';
import { describeRoute } from '../route.js';
import { EndpointParams } from './params.js';

/** The predict route's path, as Hono matches it (app.ts's guards leave a POST here to `answerPredict`). */
const PREDICT_ROUTE = '/v1/endpoints/:name/predict';

/**
 * `POST /v1/endpoints/{name}/predict`. The request is admitted and answered by
 * `answerPredict` (token, size, name, content type, JSON), the step the Node lane and the
 * Lambda predict function share; the body is checked by core against the model contract (rows
 * named by path, e.g. `instances[3].petal_width`). The answer does not wait for the prediction
 * log: records are written in the background (`close()` from createApp / the Lambda handler
 * flush them).
 */
export function mountPredictRoutes(
  app: OpenAPIHono,
  ctx: ApiContext,
  serving: PredictContext,
  admit: AdmitOptions,
): void {
  const { deps } = ctx;
  app.openAPIRegistry.registerPath(
    describeRoute({
      method: 'post',
      path: '/v1/endpoints/{name}/predict',
      summary:
        'Predict: {features} (one row), {instances} (a batch), or MLflow dataframe_split / dataframe_records / inputs',
      tag: 'serving',
      params: EndpointParams,
      rawBody: PredictRequestSchema,
      response: PredictResponseSchema,
    }),
  );
  app.post(PREDICT_ROUTE, async (c) => {
    const { status, body } = await answerPredict(deps, serving, predictRequest(c), admit);
    return c.json(body as object, status as ContentfulStatusCode);
  });
}

/** The Hono request as a `PredictRequest`: a declared size is trusted, any other is counted. */
function predictRequest(c: Context): PredictRequest {
  const declared = headerOf(c, 'content-length');
  const sized = declared !== undefined && headerOf(c, 'transfer-encoding') === undefined;
  return {
    name: c.req.param('name') ?? '',
    headers: headersOf(c),
    // Node's parser stops the body at Content-Length: the declared size is the real one.
    bodyBytes: sized ? Number(declared) : undefined,
    readBody: (maxBytes) => (sized ? c.req.text() : readCounted(c.req.raw, maxBytes)),
  };
}

const decoder = new TextDecoder();

/** A body of undeclared size, read until it passes `maxBytes` (then `undefined`). */
async function readCounted(request: Request, maxBytes: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return decoder.decode(Buffer.concat(chunks));
}
