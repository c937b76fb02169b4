// First: zod must be jitless before any module below builds a schema (lambdas/predict-zod.ts).
import '../predict-zod.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CoreDeps } from '../../core/deps.js';
import { LinePredictionLog } from '../../core/serving/log-lines.js';
import { warmUpOnnxRuntime } from '../../core/serving/ort-warmup.js';
import type { PredictContext } from '../../core/serving/predict.js';
import { EndpointResolver } from '../../core/serving/resolver.js';
import { SessionCache } from '../../core/serving/session-cache.js';
import { lambdaDeps, lazy } from '../env-deps.js';
import { whileRequestsInFlight } from '../predict-warmup.js';
import { errorBody } from './errors.js';
import { answerPredict, DEFAULT_MAX_BODY } from './predict-admission.js';

/** The predict route's path; its `{name}` is the only path parameter. */
const PREDICT_PATH = /^\/v1\/endpoints\/([^/]+)\/predict$/;

type Answer = APIGatewayProxyStructuredResultV2;

const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
  isBase64Encoded: false,
});

/** The endpoint name of a predict request (API Gateway's decoded parameter, else the raw path's). */
function endpointName(event: APIGatewayProxyEventV2): string | undefined {
  const fromRoute = event.pathParameters?.name;
  if (fromRoute !== undefined) return fromRoute;
  const raw = PREDICT_PATH.exec(event.rawPath)?.[1];
  try {
    return raw === undefined ? undefined : decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The predict route as an API Gateway v2 (HTTP API) Lambda adapter: the event translated to a
 * `PredictRequest` and answered by `answerPredict`, as the app's predict route answers it.
 * Without the Hono app and its management routes, the predict function's bundle is a fraction of the API's: its cold start
 * is what bench/lambda.ts measures.
 */
export function predictAdapter(
  deps: CoreDeps,
  serving: PredictContext,
  maxBodyBytes = DEFAULT_MAX_BODY,
): (event: APIGatewayProxyEventV2) => Promise<Answer> {
  return async (event) => {
    const name = endpointName(event);
    const method = event.requestContext.http.method;
    if (name === undefined)
      return json(404, errorBody('NotFound', `route ${method} ${event.rawPath} not found`));
    if (method !== 'POST')
      return json(
        405,
        errorBody('MethodNotAllowed', `method ${method} not allowed on ${event.rawPath} (allowed: POST)`),
        { allow: 'POST' },
      );
    const text =
      event.body === undefined
        ? ''
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString('utf8')
          : event.body;
    const { status, body } = await answerPredict(
      deps,
      serving,
      {
        name,
        headers: event.headers,
        bodyBytes: Buffer.byteLength(text),
        readBody: async () => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text),
      },
      { maxBodyBytes },
    );
    return json(status, body);
  };
}

/** A log line on stdout: one write(2) to the runtime's pipe, synchronous on Linux. */
const toStdout = (line: string) => void process.stdout.write(`${line}\n`);

/**
 * One serving state per container (cold start), reused by every invocation. Its prediction log
 * is lines on stdout (CloudWatch Logs), which the log-ingest function stores: the answer never
 * waits for DynamoDB, and a record is out of the process before its answer is. Built here, not
 * by createServingState: that one brings the DynamoDB log writer, which this function must not reach.
 * onnxruntime's setup runs while the first invocation's reads are in flight.
 */
const container = lazy(() => {
  whileRequestsInFlight(() => void warmUpOnnxRuntime());
  const deps = lambdaDeps();
  const serving: PredictContext = {
    cache: new SessionCache(),
    resolver: new EndpointResolver({}),
    log: new LinePredictionLog(toStdout, (error) => console.error('shadow scoring failed', error)),
    onShadowError: (shadow, error) =>
      console.error(`shadow variant ${shadow.name} (v${shadow.version}) failed`, error),
  };
  return { serving, answer: predictAdapter(deps, serving) };
});

/**
 * Lambda entry of the predict function (the route `POST /v1/endpoints/{name}/predict`; IAM
 * guards it). Shadows are scored before returning: Lambda freezes the sandbox once the handler
 * resolves, so their records would otherwise wait for the next invocation.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<Answer> {
  const { serving, answer } = container();
  try {
    return await answer(event);
  } finally {
    await serving.log.flush();
  }
}
