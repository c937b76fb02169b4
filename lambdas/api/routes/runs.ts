import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { RunSchema } from '../../../contracts/tracking.js';
import { TrainingRequestBodySchema } from '../../../contracts/training-request.js';
import { NotFoundError, ValidationError } from '../../../core/errors.js';
import { retrain } from '../../../core/pipeline/retrain.js';
import { submitTraining } from '../../../core/pipeline/submit-training.js';
import type { ExecutionEvent, ExecutionSummary } from '../../../core/ports.js';
import { getExperiment, getRun, listRuns } from '../../../core/tracking/index.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';
import { ExperimentParams, RunParams } from './params.js';

const tag = 'training';

/** The training request; the experiment comes from the path (a body value must match it). */
const RunBodySchema = TrainingRequestBodySchema.extend({
  experiment: TrainingRequestBodySchema.shape.experiment.optional(),
});

const SubmittedSchema = z.object({
  runId: z.string(),
  runIds: z.array(z.string()),
  executionId: z.string(),
  experiment: z.string(),
  pipeline: z.enum(['training', 'sweep']),
});

const ExecutionSchema = z.object({
  executionId: z.string(),
  status: z.string(),
  startedAt: z.string(),
  stoppedAt: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  history: z.array(z.record(z.string(), z.unknown())),
});

/**
 * Training runs: start one (or a sweep), retrain (replay the last request), list an
 * experiment's runs, read one with its execution history.
 */
export function mountRunRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  mountSubmitRoute(app, ctx);
  mountRetrainRoute(app, ctx);
  mountListRunsRoute(app, ctx);
  mountGetRunRoute(app, ctx);
}

/** POST /v1/experiments/{experiment}/runs: a run, or a sweep for a list of algorithms. */
function mountSubmitRoute(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps, pipelines } = ctx;
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/experiments/{experiment}/runs',
      summary: 'Start a training run; a list of algorithms (or "a,b,c") starts a sweep that deploys the best',
      tag,
      params: ExperimentParams,
      body: RunBodySchema,
      status: 202,
      response: SubmittedSchema,
    },
    async ({ params, body }) => {
      if (body.experiment !== undefined && body.experiment !== params.experiment) {
        throw new ValidationError(
          `experiment: '${body.experiment}' does not match the path's '${params.experiment}'`,
          'experiment',
        );
      }
      const submitted = await submitTraining(
        { ...deps, pipelines, trainers: ctx.trainers },
        { ...body, experiment: params.experiment },
        'api',
      );
      const { experiment, pipeline, executionId, runId, runIds } = submitted;
      return { experiment, pipeline, executionId, runId, runIds: [...runIds] };
    },
  );
}

/** POST /v1/experiments/{experiment}/retrain: replays the champion's (or the last) request. */
function mountRetrainRoute(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps, pipelines } = ctx;
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/experiments/{experiment}/retrain',
      summary:
        "Retrain now: the serving champion's configuration (its run's request; without a champion the last request) on the dataset's latest version, with production rows appended under continuous training",
      tag,
      params: ExperimentParams,
      status: 202,
      response: SubmittedSchema.extend({
        /** What was replayed: `champion v3 (run …)`, or the last request without a champion. */
        replays: z.string(),
        /** The dataset version the run trains on (sha256; absent: the latest at Validate). */
        datasetVersion: z.string().optional(),
        /** Continuous training: production rows appended to the dataset for this run. */
        appendedRows: z.number().int().optional(),
      }),
    },
    async ({ params }) => {
      const started = await retrain({ ...deps, trainers: ctx.trainers }, pipelines, {
        experiment: params.experiment,
        triggeredBy: 'api',
      });
      const { pipeline, executionId, runId, runIds, replays, appendedRows } = started;
      const datasetVersion = started.request.dataset.version;
      return {
        experiment: params.experiment,
        pipeline,
        executionId,
        runId,
        runIds: [...runIds],
        replays,
        ...(datasetVersion ? { datasetVersion } : {}),
        ...(appendedRows !== undefined ? { appendedRows } : {}),
      };
    },
  );
}

/** GET /v1/experiments/{experiment}/runs: newest first, paged. */
function mountListRunsRoute(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/experiments/{experiment}/runs',
      summary: "An experiment's runs, newest first",
      tag,
      params: ExperimentParams,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(100).optional(),
        pageToken: z.string().max(2048).optional(),
      }),
      response: z.object({ runs: z.array(RunSchema), nextToken: z.string().optional() }),
    },
    async ({ params, query }) => {
      await getExperiment(deps, { name: params.experiment });
      return listRuns(deps, {
        experiment: params.experiment,
        order: 'desc',
        limit: query.limit,
        pageToken: query.pageToken,
      });
    },
  );
}

/** GET /v1/runs/{runId}: the run with its execution and state history. */
function mountGetRunRoute(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps, pipelines } = ctx;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/runs/{runId}',
      summary: 'A run (status, metrics, lineage) with its execution and state history',
      tag,
      params: RunParams,
      response: RunSchema.extend({ execution: ExecutionSchema.nullable() }),
    },
    async ({ params }) => {
      const run = await getRun(deps, { runId: params.runId });
      let execution: (ExecutionSummary & { history: readonly ExecutionEvent[] }) | null = null;
      if (run.executionId) {
        try {
          execution = await pipelines.describe(run.executionId);
        } catch (error) {
          // An execution the runtime no longer knows (e.g. expired history) leaves the run readable.
          if (!(error instanceof NotFoundError)) throw error;
        }
      }
      return { ...run, execution };
    },
  );
}
