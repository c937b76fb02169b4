import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { ApiContext, AppOptions } from './context.js';
import { DOCS_ASSET_PATHS, mountDocs } from './docs.js';
import { cirrusHono } from './hono-app.js';
import { errorBody } from './errors.js';
import { limitBody, requireBearer } from './middleware.js';
import { DEFAULT_MAX_BODY } from './predict-admission.js';
import { mountRoutes } from './routes/index.js';
import { createServingState, type ServingState } from './serving.js';

const OPEN_PATHS = new Set(['/health', '/docs', '/openapi.json', ...DOCS_ASSET_PATHS]);

/** The Hono app of the Cirrus HTTP API. */
export type CirrusApp = OpenAPIHono;

const PREDICT_PATH = /^\/v1\/endpoints\/[^/]+\/predict$/;

/** An app-wide guard that leaves `POST /v1/endpoints/{name}/predict` to its route's admission. */
const unlessPredict =
  (guard: MiddlewareHandler): MiddlewareHandler =>
  (c, next) =>
    c.req.method === 'POST' && PREDICT_PATH.test(c.req.path) ? next() : guard(c, next);

/** What `createApp` builds: the app, its predict state, and what writes out its prediction log. */
export interface CirrusApi {
  readonly app: CirrusApp;
  /** The predict path's per-process state (sessions, endpoints, log): the predict lane shares it. */
  readonly serving: ServingState;
  /**
   * Writes every queued prediction record. The runtime calls it on shutdown, the Lambda handler
   * after each invocation (the sandbox freezes once it answers).
   */
  close(): Promise<void>;
}

/**
 * The Cirrus HTTP API as one Hono app, with the predict state it serves from (built here from
 * `options.serving`). The Lambda adapter (`handler.ts`) and the local Node server are
 * translators around it; tests call `app.request()` in-process.
 */
export function createApp(ctx: ApiContext, options: AppOptions = {}): CirrusApi {
  const app: CirrusApp = cirrusHono();
  app.notFound((c) => {
    // A known path asked with another method is a 405 naming the methods it takes.
    const allow = allowedMethods(app, c.req.path);
    if (allow.length > 0) {
      c.header('Allow', allow.join(', '));
      return c.json(
        errorBody(
          'MethodNotAllowed',
          `method ${c.req.method} not allowed on ${c.req.path} (allowed: ${allow.join(', ')})`,
        ),
        405,
      );
    }
    return c.json(errorBody('NotFound', `route ${c.req.method} ${c.req.path} not found`), 404);
  });

  // Auth before the body limit: an unauthenticated caller never makes us read its body. A
  // prediction is admitted by its route instead, in the same order (answerPredict, the step
  // the Node lane and the Lambda predict function share), so its checks run once.
  const admit = { token: options.token, maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY };
  if (admit.token) app.use('*', unlessPredict(requireBearer(admit.token, (path) => OPEN_PATHS.has(path))));
  app.use('*', unlessPredict(limitBody(admit.maxBodyBytes)));
  const serving = createServingState(ctx.deps, options.serving);
  mountRoutes(app, ctx, serving, admit);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Cirrus API',
      version: '1',
      description:
        'Train, register, serve and watch classic ML models. Errors: {"error": {"code", "message", "field"?}}.',
    },
    security: [{ bearerAuth: [] }],
  });
  mountDocs(app);
  return { app, serving, close: () => serving.log.flush() };
}

const routeTables = new WeakMap<object, { segments: string[]; method: string }[]>();

/** True when a route path (`/v1/models/:model`, `{model}`, or `*`) matches a request path. */
function matches(segments: readonly string[], path: readonly string[]): boolean {
  if (segments.at(-1) === '*') return path.length >= segments.length - 1;
  if (segments.length !== path.length) return false;
  return segments.every((s, i) => (s.startsWith(':') || s.startsWith('{') ? path[i] !== '' : s === path[i]));
}

/** The methods the app's routes take on `path` (HEAD with GET), in a stable order. */
export function allowedMethods(app: OpenAPIHono, path: string): string[] {
  let routes = routeTables.get(app);
  if (!routes) {
    routes = app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ method: r.method.toUpperCase(), segments: r.path.split('/') }));
    routeTables.set(app, routes);
  }
  const segments = path.split('/');
  const methods = new Set(routes.filter((r) => matches(r.segments, segments)).map((r) => r.method));
  if (methods.has('GET')) methods.add('HEAD');
  return ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => methods.has(m));
}
