import { LambdaClient } from '@aws-sdk/client-lambda';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { handle } from 'hono/aws-lambda';
import { checkDatasetUpload } from '../../core/datasets/upload-status.js';
import { lazy, lambdaDeps, required } from '../env-deps.js';
import { cirrusHono } from './hono-app.js';
import { mountDatasetUploadRoutes } from './routes/dataset-uploads.js';
import { selfInvokeUploadCheck, uploadCheckJobOf } from './upload-check-invoke.js';

/**
 * The dataset-upload routes alone, as their own function: it presigns PUTs, and a presigned URL
 * carries its signer's permissions, so this function may write under `datasets/` only (the
 * management function may write the whole bucket). Answers as the full app does. `complete`
 * hands its slow half to an asynchronous invocation of this function (Lambda sets its own name).
 */
const serve = lazy(() => {
  const app = cirrusHono();
  const env = process.env;
  const runCheck = selfInvokeUploadCheck(
    new LambdaClient({ region: required(env, 'AWS_REGION') }),
    required(env, 'AWS_LAMBDA_FUNCTION_NAME'),
  );
  mountDatasetUploadRoutes(app, lambdaDeps(), runCheck);
  return handle(app);
});

/**
 * Lambda entry of the upload routes (`POST /v1/datasets/uploads`, `POST .../{uploadId}/complete`,
 * `GET .../{uploadId}`) and of the upload check this function sends itself.
 */
export async function handler(event: LambdaEvent | { cirrusUploadCheck: unknown }, context: LambdaContext) {
  const job = uploadCheckJobOf(event);
  if (job) return checkDatasetUpload(lambdaDeps(), job);
  return serve()(event as LambdaEvent, context);
}
