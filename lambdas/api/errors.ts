import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CirrusError, ValidationError } from '../../core/errors.js';

/** The one error body every route answers with: `{"error": {"code", "message", "field"?}}`. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: field ? { code, message, field } : { code, message } };
}

/** A body sent as something other than JSON (415, naming the header). */
export class UnsupportedMediaTypeError extends CirrusError {
  constructor(contentType: string) {
    super(
      'UnsupportedMediaType',
      `content-type: '${contentType.slice(0, 100)}' is not JSON; send application/json`,
      415,
      'content-type',
    );
  }
}

/**
 * Refuses a declared Content-Type other than JSON (application/json, application/*+json, any
 * parameters); an absent one is read as JSON, as curl --json and fetch without headers send.
 */
export function requireJsonContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType === '') return;
  const media = contentType.split(';')[0].trim().toLowerCase();
  if (media === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(media)) return;
  throw new UnsupportedMediaTypeError(contentType);
}

interface ZodIssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: readonly string[];
}

/**
 * A zod error as a ValidationError naming the first failing field. Unlike core's
 * `fromZodError`, an unknown key is named itself (zod reports it on the parent object).
 */
export function zodToValidation(error: { issues: readonly ZodIssueLike[] }): ValidationError {
  const issue = error.issues[0];
  if (!issue) return new ValidationError('invalid input');
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys?.length) {
    const field = [...path, issue.keys[0]].join('.');
    return new ValidationError(`${field}: unknown field (not accepted here)`, field);
  }
  const field = path.join('.');
  return new ValidationError(field ? `${field}: ${issue.message}` : issue.message, field || undefined);
}

const HTTP_CODES: Partial<Record<number, string>> = {
  400: 'ValidationError',
  401: 'Unauthorized',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
};

export type ErrorBody = ReturnType<typeof errorBody>;

/**
 * The status and body of a thrown Cirrus, zod or JSON error; anything else is logged and
 * becomes a 500. Shared by the app's error handler and the Node predict lane.
 */
export function errorReply(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof CirrusError) {
    return {
      status: error.status as ContentfulStatusCode,
      body: errorBody(error.code, error.message, error.field),
    };
  }
  if (isZodError(error)) {
    const v = zodToValidation(error);
    return { status: 400, body: errorBody(v.code, v.message, v.field) };
  }
  if (error instanceof SyntaxError) {
    return {
      status: 400,
      body: errorBody('ValidationError', `body: malformed JSON (${error.message})`, 'body'),
    };
  }
  console.error(error);
  return { status: 500, body: errorBody('InternalError', 'internal error') };
}

/** Maps any thrown value to the JSON error shape; only unknown errors become 500s. */
export function toErrorResponse(c: Context, error: unknown): Response {
  if (error instanceof HTTPException) {
    // Middleware that built its own answer (bearer auth, in our error shape) keeps it.
    if (error.res) return error.getResponse();
    // Hono's own 4xx (malformed JSON body, media type, auth): keep the status, use our shape.
    const field = error.status === 400 ? 'body' : error.status === 415 ? 'content-type' : undefined;
    const code = HTTP_CODES[error.status] ?? 'HttpError';
    const message =
      error.status === 415
        ? 'content-type: send application/json'
        : field
          ? `body: ${error.message}`
          : error.message;
    return c.json(errorBody(code, message, field), error.status as ContentfulStatusCode);
  }
  const { status, body } = errorReply(error);
  return c.json(body, status);
}

function isZodError(e: unknown): e is { issues: ZodIssueLike[] } {
  return typeof e === 'object' && e !== null && Array.isArray((e as { issues?: unknown }).issues);
}
