import { fromZodError } from '../../core/errors.js';
import { errorBody, errorReply, requireJsonContentType } from './errors.js';
import { bearerProblem, bodyTooLarge } from './middleware.js';
import { EndpointParams } from './routes/params.js';

/** The largest request body the API reads (Lambda's own payload limit is 6 MB). */
export const DEFAULT_MAX_BODY = 6 * 1024 * 1024;

/** What a predict request's admission reads before its body: as received, unvalidated. */
export interface PredictHead {
  /** The endpoint name from the path (decoded). */
  readonly name: string;
  readonly authorization?: string;
  readonly contentType?: string;
  /** The body's size in bytes (declared or counted). */
  readonly bodyBytes: number;
}

export interface AdmitOptions {
  /** Bearer token, when the server requires one (the local runtime; IAM guards AWS). */
  readonly token?: string;
  readonly maxBodyBytes: number;
}

/** An answer given before the body is read. */
export interface Refusal {
  readonly status: number;
  readonly body: ReturnType<typeof errorBody>;
}

/**
 * Admits a predict request by the app's checks in the app's order — token, then size (so an
 * unauthenticated caller never makes us read), then the endpoint name, then the content type —
 * for the adapters that answer predict without the Hono app (the Node lane, the Lambda predict
 * function). Returns the endpoint's name, or the refusal to answer.
 */
export function admitPredict(head: PredictHead, options: AdmitOptions): { endpoint: string } | Refusal {
  const unauthorized = options.token ? bearerProblem(head.authorization, options.token) : undefined;
  if (unauthorized) return { status: 401, body: errorBody('Unauthorized', unauthorized) };
  if (head.bodyBytes > options.maxBodyBytes) return { status: 413, body: bodyTooLarge(options.maxBodyBytes) };
  const params = EndpointParams.safeParse({ name: head.name });
  if (!params.success) {
    const v = fromZodError(params.error);
    return { status: 400, body: errorBody(v.code, v.message, v.field) };
  }
  try {
    requireJsonContentType(head.contentType);
  } catch (error) {
    return errorReply(error);
  }
  return { endpoint: params.data.name };
}

/** A raw JSON body: empty is `undefined`, malformed JSON a SyntaxError (a 400 naming `body`). */
export function parseRawJson(text: string): unknown {
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
}
