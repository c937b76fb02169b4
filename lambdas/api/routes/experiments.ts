import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { ExperimentSchema } from '../../../contracts/tracking.js';
import { parseScheduleExpression } from '../../../core/events/index.js';
import { getExperiment, listExperiments, updateExperiment } from '../../../core/tracking/index.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';
import { ExperimentParams } from './params.js';

const tag = 'experiments';

const ScheduleBodySchema = z.strictObject({
  /** `rate(1 day)`, `cron(0 3 * * ? *)` (EventBridge syntax), or null to stop retraining on a schedule. */
  schedule: z.string().min(1).max(256).nullable(),
});

const ContinuousTrainingBodySchema = z.strictObject({
  /** On: each retraining first appends production rows with ground truth as a new dataset version. */
  enabled: z.boolean(),
});

/** Experiments, their retraining schedule and continuous training. */
export function mountExperimentRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/experiments',
      summary: 'Experiments',
      tag,
      response: z.object({ experiments: z.array(ExperimentSchema) }),
    },
    async () => ({ experiments: await listExperiments(deps) }),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/experiments/{experiment}',
      summary: 'One experiment (task, schedule, last request)',
      tag,
      params: ExperimentParams,
      response: ExperimentSchema,
    },
    ({ params }) => getExperiment(deps, { name: params.experiment }),
  );
  defineRoute(
    app,
    {
      method: 'put',
      path: '/v1/experiments/{experiment}/schedule',
      summary: 'Retrain on a schedule (replays the last training request on the latest dataset version)',
      tag,
      params: ExperimentParams,
      body: ScheduleBodySchema,
      response: ExperimentSchema,
    },
    async ({ params, body }) => {
      if (body.schedule !== null) parseScheduleExpression(body.schedule, 'schedule');
      const experiment = await updateExperiment(deps, {
        name: params.experiment,
        retrainSchedule: body.schedule === null ? null : { expression: body.schedule, enabled: true },
      });
      await ctx.schedules?.apply(params.experiment, body.schedule);
      return experiment;
    },
  );
  defineRoute(
    app,
    {
      method: 'put',
      path: '/v1/experiments/{experiment}/continuous-training',
      summary:
        'Continuous training on or off: retraining appends production rows with ground truth (logged request + feedback) to the dataset as a new version and trains on it',
      tag,
      params: ExperimentParams,
      body: ContinuousTrainingBodySchema,
      response: ExperimentSchema,
    },
    ({ params, body }) =>
      updateExperiment(deps, { name: params.experiment, continuousTraining: body.enabled }),
  );
}
