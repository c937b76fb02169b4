import type { OpenAPIHono } from '@hono/zod-openapi';
import * as z from 'zod';
import { EndpointSchema, StickyKeySchema, TrafficViewSchema } from '../../../contracts/serving.js';
import { getEndpoint, listEndpoints, setTraffic } from '../../../core/serving/endpoints.js';
import type { PredictContext } from '../../../core/serving/predict.js';
import { trafficView } from '../../../core/serving/traffic-view.js';
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
  defineRoute(
    app,
    {
      method: 'delete',
      path: '/v1/endpoints/{name}/traffic',
      summary:
        'Drop the explicit split: the endpoint serves the champion alias again (and follows its promotions)',
      tag,
      params: EndpointParams,
      response: TrafficViewSchema,
    },
    async ({ params }) => {
      const endpoint = await setTraffic(deps, params.name, null);
      serving.resolver.invalidate(params.name);
      return trafficView(deps, endpoint);
    },
  );
}
