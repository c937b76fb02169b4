import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import { lazy, lambdaDeps } from '../env-deps.js';
import { cirrusHono } from './hono-app.js';
import { mountDatasetUploadRoutes } from './routes/dataset-uploads.js';

/**
 * The dataset-upload routes alone, as their own function: it presigns PUTs, and a presigned URL
 * carries its signer's permissions, so this function may write under `datasets/` only (the
 * management function may write the whole bucket). Answers as the full app does.
 */
const serve = lazy(() => {
  const app = cirrusHono();
  mountDatasetUploadRoutes(app, lambdaDeps());
  return handle(app);
});

/** Lambda entry of `POST /v1/datasets/uploads` and `POST /v1/datasets/uploads/{uploadId}/complete`. */
export function handler(event: LambdaEvent, context: LambdaContext) {
  return serve()(event, context);
}
