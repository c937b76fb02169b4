import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import {
  type Endpoint,
  EndpointSchema,
  StickyKeySchema,
  TrafficConfigSchema,
} from '../../../contracts/serving.js';
import { CirrusError } from '../../../core/errors.js';
import { getEndpoint, listEndpoints, setTraffic } from '../../../core/serving/endpoints.js';
import type { PredictContext } from '../../../core/serving/predict.js';
import { resolveEndpoint } from '../../../core/serving/resolver.js';
import type { CoreDeps } from '../../../core/deps.js';
import type { ApiContext } from '../context.js';
import { defineRoute } from '../route.js';
import { EndpointParams } from './params.js';

const tag = 'serving';

/** The traffic body: variant names default to `v<version>`, shadow names to `shadow-v<version>`. */
const TrafficBodySchema = z.strictObject({
  variants: z
    .array(
      z.strictObject({
        name: z.string().optional(),
        version: z.number().int().positive(),
        weight: z.number().min(0).max(100),
      }),
    )
    .min(1),
  shadows: z
    .array(z.strictObject({ name: z.string().optional(), version: z.number().int().positive() }))
    .optional(),
  /** A request header or a top-level body field: one key always gets one variant. */
  stickyKey: StickyKeySchema.optional(),
});

const TrafficViewSchema = z.object({
  endpoint: z.string(),
  model: z.string(),
  /** `config`: an explicit split; `champion`: 100 % to the model's champion alias. */
  source: z.enum(['config', 'champion']),
  traffic: TrafficConfigSchema.nullable(),
  abTestId: z.string().optional(),
});

/** The traffic the endpoint serves now; null when it has no config and no champion yet. */
async function trafficView(deps: CoreDeps, endpoint: Endpoint) {
  let traffic: z.infer<typeof TrafficConfigSchema> | null = endpoint.traffic ?? null;
  if (!traffic) {
    try {
      traffic = (await resolveEndpoint(deps, endpoint.name)).traffic;
    } catch (error) {
      if (!(error instanceof CirrusError && error.status === 404)) throw error;
    }
  }
  return {
    endpoint: endpoint.name,
    model: endpoint.model,
    source: endpoint.traffic ? ('config' as const) : ('champion' as const),
    traffic,
    ...(endpoint.abTestId ? { abTestId: endpoint.abTestId } : {}),
  };
}

/** Endpoints and their traffic configuration (weighted variants, shadows, sticky key). */
export function mountEndpointRoutes(app: OpenAPIHono, ctx: ApiContext, serving: PredictContext): void {
  const { deps } = ctx;
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/endpoints',
      summary: 'Endpoints',
      tag,
      response: z.object({ endpoints: z.array(EndpointSchema) }),
    },
    async () => ({ endpoints: await listEndpoints(deps) }),
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/endpoints/{name}',
      summary: 'An endpoint: its model and the traffic it serves now',
      tag,
      params: EndpointParams,
      response: EndpointSchema.extend({ serving: TrafficViewSchema }),
    },
    async ({ params }) => {
      const endpoint = await getEndpoint(deps, params.name);
      return { ...endpoint, serving: await trafficView(deps, endpoint) };
    },
  );
  defineRoute(
    app,
    {
      method: 'get',
      path: '/v1/endpoints/{name}/traffic',
      summary: 'The traffic an endpoint serves now',
      tag,
      params: EndpointParams,
      response: TrafficViewSchema,
    },
    async ({ params }) => trafficView(deps, await getEndpoint(deps, params.name)),
  );
  defineRoute(
    app,
    {
      method: 'put',
      path: '/v1/endpoints/{name}/traffic',
      summary: 'Split traffic between versions (weights sum to 100), add shadow versions and a sticky key',
      tag,
      params: EndpointParams,
      body: TrafficBodySchema,
      response: TrafficViewSchema,
    },
    async ({ params, body }) => {
      const config = {
        variants: body.variants.map((v) => ({ ...v, name: v.name ?? `v${v.version}` })),
        shadows: (body.shadows ?? []).map((s) => ({ ...s, name: s.name ?? `shadow-v${s.version}` })),
        ...(body.stickyKey ? { stickyKey: body.stickyKey } : {}),
      };
      const endpoint = await setTraffic(deps, params.name, config);
      serving.resolver.invalidate(params.name);
      return trafficView(deps, endpoint);
    },
  );
}
