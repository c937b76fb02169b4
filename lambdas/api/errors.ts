import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CirrusError, fromZodError } from '../../core/errors.js';

/** The one error body every route answers with: `{"error": {"code", "message", "field"?}}`. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: field ? { code, message, field } : { code, message } };
}

/** Maps any thrown value to the JSON error shape; only unknown errors become 500s. */
export function toErrorResponse(c: Context, error: unknown): Response {
  if (error instanceof CirrusError) {
    return c.json(errorBody(error.code, error.message, error.field), error.status as ContentfulStatusCode);
  }
  if (isZodError(error)) {
    const v = fromZodError(error);
    return c.json(errorBody(v.code, v.message, v.field), 400);
  }
  if (error instanceof HTTPException) {
    // Hono's own 4xx (malformed JSON body, body limit, auth): keep the status, use our shape.
    const field = error.status === 400 ? 'body' : undefined;
    const code = error.status === 401 ? 'Unauthorized' : error.status === 413 ? 'PayloadTooLarge' : 'ValidationError';
    return c.json(errorBody(code, field ? `body: ${error.message}` : error.message, field), error.status as ContentfulStatusCode);
  }
  if (error instanceof SyntaxError) {
    return c.json(errorBody('ValidationError', `body: malformed JSON (${error.message})`, 'body'), 400);
  }
  console.error(error);
  return c.json(errorBody('InternalError', 'internal error'), 500);
}

function isZodError(e: unknown): e is { issues: { path: PropertyKey[]; message: string }[] } {
  return typeof e === 'object' && e !== null && Array.isArray((e as { issues?: unknown }).issues);
}
