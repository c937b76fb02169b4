import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { DatasetRecordSchema } from '../../../contracts/dataset.js';
import {
  CompleteDatasetUploadSchema,
  DatasetUploadRequestSchema,
  DatasetUploadSchema,
  UPLOAD_ROUTES,
} from '../../../contracts/dataset-upload.js';
import type { CoreDeps } from '../../../core/deps.js';
import { completeDatasetUpload, createDatasetUpload } from '../../../core/datasets/uploads.js';
import { defineRoute } from '../route.js';

/**
 * Large dataset uploads: `POST /v1/datasets/uploads` hands out a presigned PUT URL for the file,
 * `POST .../{uploadId}/complete` checks the uploaded object and registers it as a version.
 */
export function mountDatasetUploadRoutes(app: OpenAPIHono, deps: CoreDeps): void {
  defineRoute(
    app,
    {
      method: 'post',
      path: UPLOAD_ROUTES.create,
      summary: 'A presigned URL to PUT a CSV too large for a request body (up to 5 GiB)',
      tag: 'datasets',
      body: DatasetUploadRequestSchema,
      status: 201,
      response: DatasetUploadSchema,
    },
    ({ body }) => createDatasetUpload(deps, body),
  );
  defineRoute(
    app,
    {
      method: 'post',
      path: UPLOAD_ROUTES.complete,
      summary: 'Register an uploaded CSV as a dataset version (checks its size, sha256 and header)',
      tag: 'datasets',
      params: z.object({ uploadId: z.string().min(1) }),
      body: CompleteDatasetUploadSchema,
      status: 201,
      response: DatasetRecordSchema,
    },
    ({ params, body }) => completeDatasetUpload(deps, params.uploadId, body),
  );
}
