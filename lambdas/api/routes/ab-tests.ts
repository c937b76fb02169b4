import type { OpenAPIHono } from '@hono/zod-openapi';
import { AbLooksSchema, AbTestStartSchema, AbTestStatusSchema } from '../../../contracts/serving.js';
import {
  abTestLooks,
  evaluateCurrentAbTest,
  startAbTest,
  stopAbTest,
} from '../../../core/abtest/lifecycle.js';
import type { CoreDeps } from '../../../core/deps.js';
import { getAlias } from '../../../core/registry/aliases.js';
import { getModelVersion } from '../../../core/registry/versions.js';
import { getEndpoint } from '../../../core/serving/endpoints.js';
import type { PredictContext } from '../../../core/serving/predict.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';
import { EndpointParams } from './params.js';

const tag = 'ab-testing';

/** Without `metric`: accuracy for classifiers, RMSE for regressors (from the champion's contract). */
async function withDefaultMetric(deps: CoreDeps, endpointName: string, body: unknown): Promise<unknown> {
  const plan = body ?? {};
  if (typeof plan !== 'object' || Array.isArray(plan) || plan === null || 'metric' in plan) return plan;
  const endpoint = await getEndpoint(deps, endpointName);
  const champion = await getAlias(deps, { model: endpoint.model, alias: 'champion' });
  const { contract } = await getModelVersion(deps, { model: endpoint.model, version: champion.version });
  return { ...plan, metric: contract.task === 'regression' ? 'rmse' : 'accuracy' };
}

/** A/B tests: start one between champion and challenger, read its statistics (which may end it), stop it. */
export function mountAbTestRoutes(app: OpenAPIHono, ctx: ApiContext, serving: PredictContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'post',
      path: '/v1/endpoints/{name}/ab-tests',
      summary:
        'Start an A/B test: split % of traffic to the challenger (default: the challenger alias); metric defaults from the task',
      tag,
      params: EndpointParams,
      rawBody: AbTestStartSchema,
      status: 201,
      response: AbTestStatusSchema,
    },
    async ({ params, body }) => {
      const status = await startAbTest(deps, params.name, await withDefaultMetric(deps, params.name, body));
      serving.resolver.invalidate(params.name);
      return status;
    },
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/endpoints/{name}/ab-tests/current',
      summary: 'The running (else the last) test: counts, metric, always-valid CI and p-value, decision',
      tag,
      params: EndpointParams,
      response: AbTestStatusSchema,
    },
    async ({ params }) => {
      // Reading evaluates: a test whose evidence became sufficient ends here (promoting the winner).
      const status = await evaluateCurrentAbTest(deps, params.name);
      if (status.state !== 'running') serving.resolver.invalidate(params.name);
      return status;
    },
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/endpoints/{name}/ab-tests/current/looks',
      summary:
        "The running (else the last) test's looks: each arm's metric and the always-valid interval over samples",
      tag,
      params: EndpointParams,
      response: AbLooksSchema,
    },
    ({ params }) => abTestLooks(deps, params.name),
  );
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/v1/endpoints/{name}/ab-tests/current',
      summary: 'Stop the running test without a decision (traffic goes back to what it was)',
      tag,
      params: EndpointParams,
      response: AbTestStatusSchema,
    },
    async ({ params }) => {
      const status = await stopAbTest(deps, params.name);
      serving.resolver.invalidate(params.name);
      return status;
    },
  );
}
