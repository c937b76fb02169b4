import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiContext } from '../context.js';

/** Mounts every route group. Each group lives in its own file. */
export function mountRoutes(app: OpenAPIHono, ctx: ApiContext): void {
  void app;
  void ctx;
}
