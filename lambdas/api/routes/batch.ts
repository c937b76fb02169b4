import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import {
  BatchDownloadsResponseSchema,
  BatchJobSchema,
  BatchJobViewSchema,
  BatchPredictRequestSchema,
  BatchUploadsRequestSchema,
  BatchUploadsResponseSchema,
} from '../../../contracts/batch.js';
import { StoredDriftReportSchema } from '../../../contracts/drift.js';
import { runBatchInputDrift } from '../../../core/batch/input-drift.js';
import { createBatchDownloads, createBatchUploads } from '../../../core/batch/transfers.js';
import { listBatchJobs } from '../../../core/batch/jobs.js';
import { describeBatchJob, startBatchJob } from '../../../core/batch/start.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';
import { EndpointParams } from './params.js';

const tag = 'batch predictions';
const JobParams = z.object({ jobId: z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, 'a batch job id') });

/** Batch predictions: start a job over S3 rows (returns its id), read one with progress, list them. */
export function mountBatchRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  mountBatchJobRoutes(app, ctx);
  mountBatchFileRoutes(app, ctx);
}

/** Starting, listing and reading batch jobs. */
function mountBatchJobRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps, pipelines } = ctx;
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/endpoints/{name}/batch-predictions',
      summary:
        "Score every row of an S3 object or prefix (CSV or JSON Lines) with the endpoint's current version",
      tag,
      params: EndpointParams,
      rawBody: BatchPredictRequestSchema,
      status: 202,
      response: BatchJobSchema,
    },
    ({ params, body }) =>
      startBatchJob(deps, pipelines, {
        endpoint: params.name,
        request: body ?? {},
        locations: ctx.batchLocations,
      }),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/batch-predictions',
      summary: 'Batch jobs, newest first',
      tag,
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).optional() }),
      response: z.object({ jobs: z.array(BatchJobSchema) }),
    },
    async ({ query }) => ({ jobs: await listBatchJobs(deps, query.limit ?? 50) }),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/batch-predictions/{jobId}',
      summary: 'A batch job: status, pinned version, row counts, outputs; live progress while it runs',
      tag,
      params: JobParams,
      response: BatchJobViewSchema,
    },
    ({ params }) => describeBatchJob(deps, ctx.mapRuns, params.jobId),
  );
}

/** A job's files: presigned uploads of local input, downloads of its outputs, drift of its input. */
function mountBatchFileRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/batch-predictions/uploads',
      summary: 'Presigned S3 PUT URLs for local input files, and a fresh output prefix',
      tag,
      body: BatchUploadsRequestSchema,
      response: BatchUploadsResponseSchema,
    },
    ({ body }) => createBatchUploads(deps, body.files),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/batch-predictions/{jobId}/downloads',
      summary: "Presigned S3 GET URLs of an ended job's predictions and errors file",
      tag,
      params: JobParams,
      response: BatchDownloadsResponseSchema,
    },
    ({ params }) => createBatchDownloads(deps, params.jobId),
  );
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/batch-predictions/{jobId}/drift',
      summary: "Drift of a batch job's input (its first maxRows rows) against its pinned version's baseline",
      tag,
      params: JobParams,
      body: z.strictObject({ maxRows: z.number().int().min(1).max(1_000_000).optional() }),
      response: StoredDriftReportSchema,
    },
    ({ params, body }) => runBatchInputDrift(deps, { jobId: params.jobId, maxRows: body.maxRows }),
  );
}
