import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiContext, AppOptions } from './context.js';
import { DOCS_ASSET_PATHS, mountDocs } from './docs.js';
import { errorBody, toErrorResponse, zodToValidation } from './errors.js';
import { limitBody, requireBearer } from './middleware.js';
import { mountRoutes } from './routes/index.js';
import { createServingState } from './serving.js';

export const DEFAULT_MAX_BODY = 6 * 1024 * 1024;
const OPEN_PATHS = new Set(['/health', '/docs', '/openapi.json', ...DOCS_ASSET_PATHS]);

/**
 * The Cirrus HTTP API as one Hono app. The Lambda adapter (`handler.ts`) and the local Node
 * server are translators around it; tests call `app.request()` in-process. Sets `ctx.close`
 * (flushes the prediction log) unless the caller already set one, and `ctx.serving` when absent.
 */
export function createApp(ctx: ApiContext, options: AppOptions = {}) {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const v = zodToValidation(result.error);
        return c.json(errorBody(v.code, v.message, v.field), 400);
      }
    },
  });
  app.onError((err, c) => toErrorResponse(c, err));
  app.notFound((c) => c.json(errorBody('NotFound', `route ${c.req.method} ${c.req.path} not found`), 404));

  // Auth before the body limit: an unauthenticated caller never makes us read its body.
  if (options.token)
    app.use(
      '*',
      requireBearer(options.token, (path) => OPEN_PATHS.has(path)),
    );
  app.use('*', limitBody(options.maxBodyBytes ?? DEFAULT_MAX_BODY));

  const serving = (ctx.serving ??= createServingState(ctx.deps, options.serving));
  ctx.close ??= () => serving.log.flush();
  mountRoutes(app, ctx, serving);

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
  return app;
}

export type CirrusApp = ReturnType<typeof createApp>;
