import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';

type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: Method;
  /** OpenAPI path with `{param}` segments. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** Response schema, for the OpenAPI document. */
  readonly response?: z.ZodType;
  /** @default 200 */
  readonly status?: ContentfulStatusCode;
}

export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly params: z.infer<P>;
  readonly query: z.infer<Q>;
  readonly body: z.infer<B>;
  readonly c: Context;
}

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

/**
 * Declares one JSON route: zod-validated params, query and body (failures become 400s naming
 * the field, through the app's defaultHook), documented in /openapi.json, answered as JSON.
 */
export function defineRoute<P extends z.ZodType = z.ZodObject, Q extends z.ZodType = z.ZodObject, B extends z.ZodType = z.ZodUnknown>(
  app: OpenAPIHono,
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<P, Q, B>) => Promise<unknown> | unknown,
): void {
  const status = spec.status ?? 200;
  const route = createRoute({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tags: [spec.tag],
    request: {
      ...(spec.params ? { params: spec.params as never } : {}),
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body as never } }, required: true } } : {}),
    },
    responses: {
      [status]: { description: spec.summary, content: { 'application/json': { schema: (spec.response ?? z.unknown()) as never } } },
      400: { description: 'invalid input (the field is named)', content: { 'application/json': { schema: errorSchema } } },
      404: { description: 'not found', content: { 'application/json': { schema: errorSchema } } },
    },
  });
  app.openapi(route, (async (c: Context) => {
    const valid = c.req.valid as (target: string) => unknown;
    const result = await handler({
      params: (spec.params ? valid('param') : {}) as z.infer<P>,
      query: (spec.query ? valid('query') : {}) as z.infer<Q>,
      body: (spec.body ? valid('json') : undefined) as z.infer<B>,
      c,
    });
    return c.json(result as object, status);
  }) as never);
}
