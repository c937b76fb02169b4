import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import {
  CompleteDatasetUploadSchema,
  DatasetUploadRequestSchema,
  DatasetUploadSchema,
  DatasetUploadStatusSchema,
  UPLOAD_ROUTES,
  UPLOAD_STATUS_ROUTE,
  type UploadCheckJob,
} from '../../../contracts/dataset-upload.js';
import type { CoreDeps } from '../../../core/deps.js';
import {
  checkDatasetUpload,
  failDatasetUpload,
  getDatasetUploadStatus,
  startDatasetUpload,
} from '../../../core/datasets/upload-status.js';
import { createDatasetUpload } from '../../../core/datasets/uploads.js';
import { defineRoute } from '../route.js';

/**
 * Starts the slow half of `complete` (stream, check, copy, record) without waiting for it; it
 * resolves once the check is handed over (on AWS: the asynchronous self-invocation is queued).
 */
export type UploadCheckRunner = (job: UploadCheckJob) => Promise<void>;

/**
 * Runs the check in the background of this process: the local API, which stays up. Its outcome
 * is the status object, so nothing is awaited here.
 */
export const inProcessUploadCheck =
  (deps: CoreDeps): UploadCheckRunner =>
  async (job) => {
    void checkDatasetUpload(deps, job);
  };

/**
 * Large dataset uploads: `POST /v1/datasets/uploads` hands out a presigned PUT URL for the file,
 * `POST .../{uploadId}/complete` makes the cheap checks and answers 202 while the object is checked
 * and registered in the background, `GET .../{uploadId}` tells where that stands.
 */
export function mountDatasetUploadRoutes(
  app: OpenAPIHono,
  deps: CoreDeps,
  runCheck: UploadCheckRunner = inProcessUploadCheck(deps),
): void {
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
      summary:
        'Register an uploaded CSV as a dataset version: 202 at once, then poll its status (size, sha256 and header checked)',
      tag: 'datasets',
      params: z.object({ uploadId: z.string().min(1) }),
      body: CompleteDatasetUploadSchema,
      status: 202,
      response: DatasetUploadStatusSchema,
    },
    async ({ params, body }) => {
      const { status, job } = await startDatasetUpload(deps, params.uploadId, body);
      if (!job) return status;
      // A check that could not even start must not leave the upload 'checking' for its poller.
      await runCheck(job).catch(async (error: unknown) => {
        await failDatasetUpload(deps, job, error);
        throw error;
      });
      return status;
    },
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: UPLOAD_STATUS_ROUTE,
      summary: 'Where a completed upload stands: checking, registered (the version) or failed (the error)',
      tag: 'datasets',
      params: z.object({ uploadId: z.string().min(1) }),
      response: DatasetUploadStatusSchema,
    },
    ({ params }) => getDatasetUploadStatus(deps, params.uploadId),
  );
}
