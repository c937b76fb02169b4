import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as z from 'zod';
import { requireJsonContentType } from './errors.js';
import { headerOf } from './middleware.js';
import { parseRawJson } from './predict-admission.js';

type Method = 'get' | 'post' | 'put' | 'delete';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly method: Method;
  /** OpenAPI path with `{param}` segments. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  /** JSON body validated before the handler runs (a failure is a 400 naming the field). */
  readonly body?: B;
  /**
   * JSON body documented in /openapi.json but validated by the handler's core call instead:
   * for bodies whose rules depend on stored state (a predict body is checked against the model
   * contract, with row paths like `instances[3].x` that zod cannot give). The handler receives
   * the parsed JSON (`undefined` for an empty body).
   */
  readonly rawBody?: z.ZodType;
  /** Response schema, for the OpenAPI document. */
  readonly response?: z.ZodType;
  /** @default 200 */
  readonly status?: ContentfulStatusCode;
  /** No bearer token needed (documented with empty security). */
  readonly open?: boolean;
}

export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  readonly params: z.infer<P>;
  readonly query: z.infer<Q>;
  readonly body: z.infer<B>;
  readonly c: Context;
}

export const ErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
});

/** Documentation-only JSON Schema of a zod schema (a plain object is not validated by the router). */
function documentOnly(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return json;
}

function requestOf(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>) {
  const bodySchema = spec.body ?? (spec.rawBody ? documentOnly(spec.rawBody) : undefined);
  return {
    ...(spec.params ? { params: spec.params as never } : {}),
    ...(spec.query ? { query: spec.query as never } : {}),
    ...(bodySchema
      ? { body: { content: { 'application/json': { schema: bodySchema as never } }, required: true } }
      : {}),
  };
}

async function readRawJson(c: Context): Promise<unknown> {
  return parseRawJson(await c.req.text());
}

/** The OpenAPI description of a route (what /openapi.json shows and the validators read). */
export function describeRoute(spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>) {
  const status = spec.status ?? 200;
  const hasBody = Boolean(spec.body ?? spec.rawBody);
  return createRoute({
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tags: [spec.tag],
    ...(spec.open ? { security: [] } : {}),
    request: requestOf(spec as RouteSpec<z.ZodType, z.ZodType, z.ZodType>),
    responses: {
      [status]: {
        description: spec.summary,
        content: { 'application/json': { schema: (spec.response ?? z.unknown()) as never } },
      },
      ...(spec.open
        ? {}
        : {
            400: errorResponse('invalid input (the field is named)'),
            401: errorResponse('missing or invalid bearer token'),
            404: errorResponse('not found'),
            409: errorResponse('conflict with the current state'),
            422: errorResponse('well-formed but unusable'),
          }),
      ...(hasBody ? { 413: errorResponse('body or batch too large') } : {}),
    },
  });
}

/**
 * Declares one JSON route: zod-validated params, query and body (failures become 400s naming
 * the field, through the app's defaultHook), documented in /openapi.json, answered as JSON
 * with `status` (a handler may return a Response of its own instead).
 */
export function defineRoute<
  P extends z.ZodType = z.ZodObject,
  Q extends z.ZodType = z.ZodObject,
  B extends z.ZodType = z.ZodUnknown,
>(
  app: OpenAPIHono,
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<P, Q, B>) => Promise<unknown> | unknown,
): void {
  const status = spec.status ?? 200;
  const route = describeRoute(spec as RouteSpec<z.ZodType, z.ZodType, z.ZodType>);
  app.openapi(route, (async (c: Context) => {
    // Bound call: `valid` reads the request's private validated data through `this`.
    const valid = (target: string): unknown => c.req.valid(target as never);
    if (spec.rawBody) requireJsonContentType(headerOf(c, 'content-type'));
    const body = spec.body ? valid('json') : spec.rawBody ? await readRawJson(c) : undefined;
    const result = await handler({
      params: (spec.params ? valid('param') : {}) as z.infer<P>,
      query: (spec.query ? valid('query') : {}) as z.infer<Q>,
      body: body as z.infer<B>,
      c,
    });
    if (result instanceof Response) return result;
    return c.json(result as object, status);
  }) as never);
}
