import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import {
  DriftReportSummarySchema,
  DriftRunRequestSchema,
  StoredDriftReportSchema,
} from '../../../contracts/drift.js';
import { EndpointNameSchema } from '../../../contracts/serving.js';
import { getDriftReport, listDriftReports, runDriftEvaluation } from '../../../core/drift/index.js';
import { getEndpoint } from '../../../core/serving/endpoints.js';
import type { PredictContext } from '../../../core/serving/predict.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';

const EndpointParams = z.object({ name: EndpointNameSchema });
const ReportParams = EndpointParams.extend({
  reportId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'a report id: letters, digits and -'),
});
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() });
const tag = 'drift';

/** Drift routes: list an endpoint's reports, evaluate now, read one report. */
export function registerDriftRoutes(app: OpenAPIHono, ctx: ApiContext, serving: PredictContext): void {
  const { deps, events } = ctx;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/endpoints/{name}/drift',
      summary: "An endpoint's drift reports, newest first",
      tag,
      params: EndpointParams,
      query: ListQuery,
      response: z.object({ reports: z.array(DriftReportSummarySchema) }),
    },
    async ({ params, query }) => {
      await getEndpoint(deps, params.name); // an unknown endpoint is a 404, not an empty list
      return { reports: await listDriftReports(deps, { endpoint: params.name, limit: query.limit }) };
    },
  );
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/endpoints/{name}/drift',
      summary: 'Evaluate drift now (stores the report; publishes ModelDriftDetected on drift)',
      tag,
      params: EndpointParams,
      body: DriftRunRequestSchema,
      response: StoredDriftReportSchema,
    },
    async ({ params, body }) => {
      // Write out predictions still queued in this process, so an evaluation right after
      // traffic sees every answered row (the scheduled evaluation runs long after the flush).
      await serving.log.flush();
      return runDriftEvaluation(deps, events, { endpoint: params.name, windowHours: body.windowHours });
    },
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/endpoints/{name}/drift/{reportId}',
      summary: 'One drift report in full (every feature: test, statistic, threshold, verdict)',
      tag,
      params: ReportParams,
      response: StoredDriftReportSchema,
    },
    ({ params }) => getDriftReport(deps, { endpoint: params.name, reportId: params.reportId }),
  );
}

/** The name the other route groups use (`mountModelRoutes`, ...). */
export const mountDriftRoutes = registerDriftRoutes;
