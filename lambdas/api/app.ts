import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { bodyLimit } from 'hono/body-limit';
import { bearerAuth } from 'hono/bearer-auth';
import { errorBody, toErrorResponse } from './errors.js';
import type { ApiContext, AppOptions } from './context.js';
import { mountRoutes } from './routes/index.js';

const DEFAULT_MAX_BODY = 6 * 1024 * 1024;
const OPEN_PATHS = new Set(['/health', '/docs', '/openapi.json']);

/**
 * The Cirrus HTTP API as one Hono app. The Lambda adapter (`handler.ts`) and the local Node
 * server are translators around it; tests call `app.request()` in-process.
 */
export function createApp(ctx: ApiContext, options: AppOptions = {}) {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return toErrorResponse(c, result.error);
    },
  });
  app.onError((err, c) => toErrorResponse(c, err));
  app.notFound((c) => c.json(errorBody('NotFound', `route ${c.req.method} ${c.req.path} not found`), 404));

  app.use(
    '*',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
      onError: (c) => c.json(errorBody('PayloadTooLarge', `body: larger than ${options.maxBodyBytes ?? DEFAULT_MAX_BODY} bytes`, 'body'), 413),
    }),
  );
  if (options.token) {
    const auth = bearerAuth({ token: options.token, noAuthenticationHeader: { message: errorBody('Unauthorized', 'missing bearer token') }, invalidAuthenticationHeader: { message: errorBody('Unauthorized', 'malformed Authorization header') }, invalidToken: { message: errorBody('Unauthorized', 'invalid bearer token') } });
    app.use('*', (c, next) => (OPEN_PATHS.has(c.req.path) ? next() : auth(c, next)));
  }

  app.get('/health', (c) => c.json({ status: 'ok' }));
  mountRoutes(app, ctx);
  app.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'Cirrus API', version: '1' } });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));
  return app;
}

export type CirrusApp = ReturnType<typeof createApp>;
