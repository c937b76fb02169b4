import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { CoreDeps } from '../../core/deps.js';
import type { PredictContext } from '../../core/serving/predict.js';
import type { CirrusApi } from './app.js';
import type { AppOptions } from './context.js';
import { errorReply } from './errors.js';
import { answerPredict, DEFAULT_MAX_BODY } from './predict-admission.js';

export interface PredictLaneOptions {
  readonly deps: CoreDeps;
  /** The app's predict state (`serving` from `createApp`): same sessions, same log. */
  readonly serving: PredictContext;
  /** Bearer token, when the app requires one. */
  readonly token?: string;
  readonly maxBodyBytes: number;
}

/** `/v1/endpoints/<name>/predict` with a plain name: no percent-escapes, no query string. */
const PLAIN_PREDICT_PATH = /^\/v1\/endpoints\/([A-Za-z0-9._-]+)\/predict$/;

/**
 * Node's request listener for the API with a lane for predictions: a plain
 * `POST /v1/endpoints/{name}/predict` (declared Content-Length) is translated here and answered
 * by `answerPredict`, the step the app's predict route calls; every other request goes to
 * `fallback` (the Hono app). Why: the framework's request/response plumbing costs the answering
 * thread CPU on every prediction (`npx tsx bench/serving.ts lane` compares with and without).
 */
export function withPredictLane(fallback: RequestListener, options: PredictLaneOptions): RequestListener {
  return (req, res) => {
    const name = laneName(req);
    if (name === undefined) {
      fallback(req, res);
      return;
    }
    answer(req, res, name, options).catch((error: unknown) => {
      // Only a failure while answering gets here (e.g. the socket is gone).
      if (res.headersSent || error === CLIENT_GONE) return;
      const { status, body } = errorReply(error);
      send(res, status, body);
    });
  };
}

/**
 * The API as a Node request listener (the local server's): the Hono app through
 * @hono/node-server, plain predict requests through the lane. `deps` and `options` are the ones
 * `api` was built with.
 */
export function nodeListener(
  api: Pick<CirrusApi, 'app' | 'serving'>,
  deps: CoreDeps,
  options: AppOptions = {},
): RequestListener {
  return withPredictLane(getRequestListener(api.app.fetch), {
    deps,
    serving: api.serving,
    token: options.token,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
  });
}

/** The endpoint name when the lane takes this request. */
function laneName(req: IncomingMessage): string | undefined {
  if (req.method !== 'POST') return undefined;
  if (req.headers['content-length'] === undefined || req.headers['transfer-encoding'] !== undefined)
    return undefined;
  return PLAIN_PREDICT_PATH.exec(req.url ?? '')?.[1];
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  options: PredictLaneOptions,
): Promise<void> {
  const { status, body } = await answerPredict(
    options.deps,
    options.serving,
    {
      name,
      headers: req.headers,
      bodyBytes: Number(req.headers['content-length']),
      readBody: () => readText(req),
    },
    options,
  );
  // A request refused before its body was read is drained, so the keep-alive connection stays usable.
  req.resume();
  send(res, status, body);
}

/** Why the body was not read: the client went away (nothing to answer). */
const CLIENT_GONE = new Error('the client went away');

const decoder = new TextDecoder();

/** The whole body as text (as the app reads it: UTF-8, a BOM dropped); rejects if aborted. */
function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const gone = () => reject(CLIENT_GONE);
    // `on`, not `once`: a promise settles once anyway, and each `once` wrapper (a bound
    // function, removed again when it fires) was per-request work the answer did not need.
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))));
    req.on('error', gone);
    req.on('aborted', gone);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
