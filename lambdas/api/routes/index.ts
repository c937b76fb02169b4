import type { OpenAPIHono } from '@hono/zod-openapi';
import type { PredictContext } from '../../../core/serving/predict.js';
import type { ApiContext } from '../context.js';
import type { AdmitOptions } from '../predict-admission.js';
import { mountAbTestRoutes } from './ab-tests.js';
import { mountBatchRoutes } from './batch.js';
import { mountCatalogRoutes } from './catalog.js';
import { mountDatasetUploadRoutes } from './dataset-uploads.js';
import { mountDatasetRoutes } from './datasets.js';
import { mountDeadLetterRoutes } from './dead-letters.js';
import { registerDriftRoutes } from './drift.js';
import { mountEndpointRoutes } from './endpoints.js';
import { mountExperimentRoutes } from './experiments.js';
import { mountImportRoutes } from './imports.js';
import { mountModelRoutes } from './models.js';
import { mountPredictRoutes } from './predict.js';
import { mountPredictionActivityRoutes } from './prediction-activity.js';
import { mountPredictionRoutes } from './predictions.js';
import { mountRunRoutes } from './runs.js';

/** Mounts every route group. Each group lives in its own file. */
export function mountRoutes(
  app: OpenAPIHono,
  ctx: ApiContext,
  serving: PredictContext,
  admit: AdmitOptions,
): void {
  mountCatalogRoutes(app);
  mountDatasetUploadRoutes(app, ctx.deps);
  mountDatasetRoutes(app, ctx);
  mountExperimentRoutes(app, ctx);
  mountRunRoutes(app, ctx);
  mountModelRoutes(app, ctx, serving);
  mountImportRoutes(app, ctx, serving);
  mountEndpointRoutes(app, ctx, serving);
  mountPredictRoutes(app, ctx, serving, admit);
  mountPredictionRoutes(app, ctx, serving);
  mountPredictionActivityRoutes(app, ctx, serving);
  mountAbTestRoutes(app, ctx, serving);
  registerDriftRoutes(app, ctx, serving);
  mountBatchRoutes(app, ctx);
  mountDeadLetterRoutes(app, ctx);
}
