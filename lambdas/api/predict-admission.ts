import { fromZodError } from '../../core/errors.js';
import type { CoreDeps } from '../../core/deps.js';
import { type PredictContext, predict } from '../../core/serving/predict.js';
import { headerValue, type RequestHeaders } from '../../core/serving/router.js';
import { errorBody, type ErrorBody, errorReply, requireJsonContentType } from './errors.js';
import { bearerProblem, bodyTooLarge } from './middleware.js';
import { EndpointParams } from './routes/endpoint-params.js';

/** The largest request body the API reads (Lambda's own payload limit is 6 MB). */
export const DEFAULT_MAX_BODY = 6 * 1024 * 1024;

/**
 * A predict request as a server received it, unvalidated: what every adapter (the Hono route,
 * the Node lane, the Lambda predict function) translates its transport's request into.
 */
export interface PredictRequest {
  /** The endpoint name from the path (decoded). */
  readonly name: string;
  readonly headers: RequestHeaders;
  /** The body's size in bytes when known before reading (declared or already in memory). */
  readonly bodyBytes?: number;
  /**
   * The whole body as text (UTF-8, a byte-order mark dropped); `undefined` when it grew past
   * `maxBytes` while read (only readers of an undeclared size need to count).
   */
  readBody(maxBytes: number): Promise<string | undefined>;
}

export interface AdmitOptions {
  /** Bearer token, when the server requires one (the local runtime; IAM guards AWS). */
  readonly token?: string;
  readonly maxBodyBytes: number;
}

/** An answer, as status and JSON body. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** An answer given instead of predicting. */
export interface Refusal extends Reply {
  readonly body: ErrorBody;
}

/** A request that may be predicted: its endpoint, parsed body and headers. */
export interface Admitted {
  readonly endpoint: string;
  readonly body: unknown;
  readonly headers: RequestHeaders;
}

const refusal = (error: unknown): Refusal => errorReply(error);

/**
 * Admits a predict request, the one place its checks and their order live: token, then a
 * declared size (so an unauthenticated caller never makes us read), then the endpoint name,
 * then the content type, then the body (counted as read when its size was not declared) parsed
 * as JSON (empty is `undefined`). Returns the admitted request, or the refusal to answer.
 */
export async function admitPredict(
  request: PredictRequest,
  options: AdmitOptions,
): Promise<Admitted | Refusal> {
  const { headers, bodyBytes } = request;
  const unauthorized = options.token
    ? bearerProblem(headerValue(headers, 'authorization'), options.token)
    : undefined;
  if (unauthorized) return { status: 401, body: errorBody('Unauthorized', unauthorized) };
  const tooLarge: Refusal = { status: 413, body: bodyTooLarge(options.maxBodyBytes) };
  if (bodyBytes !== undefined && bodyBytes > options.maxBodyBytes) return tooLarge;
  const params = EndpointParams.safeParse({ name: request.name });
  if (!params.success) return refusal(fromZodError(params.error));
  try {
    requireJsonContentType(headerValue(headers, 'content-type'));
  } catch (error) {
    return refusal(error);
  }
  // A failure to read (the client went away) is the adapter's to handle: it rejects.
  const text = await request.readBody(options.maxBodyBytes);
  if (text === undefined) return tooLarge;
  try {
    return { endpoint: params.data.name, body: parseRawJson(text), headers };
  } catch (error) {
    return refusal(error);
  }
}

/** True when the admission refused the request. */
export const isRefusal = (admission: Admitted | Refusal): admission is Refusal => 'status' in admission;

/**
 * Answers a predict request: admitted (`admitPredict`), then predicted by core `predict`, every
 * failure as the app's error body. Adapters translate their transport to a `PredictRequest` and
 * this reply back; none decides anything of its own.
 */
export async function answerPredict(
  deps: CoreDeps,
  serving: PredictContext,
  request: PredictRequest,
  options: AdmitOptions,
): Promise<Reply> {
  const admitted = await admitPredict(request, options);
  if (isRefusal(admitted)) return admitted;
  try {
    return { status: 200, body: await predict(deps, serving, admitted) };
  } catch (error) {
    return errorReply(error);
  }
}

/** A raw JSON body: empty is `undefined`, malformed JSON a SyntaxError (a 400 naming `body`). */
export function parseRawJson(text: string): unknown {
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
}
