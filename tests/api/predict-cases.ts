import { IRIS } from './fixtures.js';

/**
 * The predict requests every adapter of the predict route is held to (the Node lane in
 * predict-lane.test.ts, the Lambda predict function in predict-lambda.test.ts): each is sent to
 * the adapter and to the app, the answers must be equal, and the status the one below (so the
 * comparison is never of two broken paths). One table: a case added here is checked on both.
 */

export const MAX_BODY = 20_000;
export const MAX_ROWS = 50;
export const PREDICT_PATH = '/v1/endpoints/iris/predict';

export interface PredictCase {
  readonly what: string;
  readonly method?: string;
  /** @default PREDICT_PATH */
  readonly path?: string;
  readonly body?: string;
  /** Beside `content-type: application/json` (and the bearer token where one is required). */
  readonly headers?: Record<string, string>;
  /** The expected status, where the server requires a bearer token if `auth` says so. */
  readonly status: number;
  /** About the bearer token: only where the server requires one (the local server, not AWS's IAM). */
  readonly auth?: true;
  /** Only over one transport: a query string (node:http) or a base64 body (API Gateway). */
  readonly only?: 'node' | 'lambda';
  /** The body is base64 (API Gateway's isBase64Encoded). */
  readonly base64?: true;
  /** The Node lane hands it to the app instead of answering it. */
  readonly toApp?: true;
}

const row = IRIS[0].features;
const json = (v: unknown) => JSON.stringify(v);
const one = json({ features: row });

export const PREDICT_CASES: readonly PredictCase[] = [
  { what: 'one row', body: one, status: 200 },
  {
    what: 'a batch',
    body: json({ instances: IRIS.slice(0, 5).map((r) => Object.values(r.features)) }),
    status: 200,
  },
  {
    what: 'MLflow dataframe_split',
    body: json({ dataframe_split: { columns: Object.keys(row), data: [Object.values(row)] } }),
    status: 200,
  },
  {
    what: 'a base64 body',
    body: Buffer.from(one).toString('base64'),
    base64: true,
    only: 'lambda',
    status: 200,
  },
  { what: 'byte-order mark', body: `\uFEFF${one}`, status: 200 },
  { what: 'empty body', body: '', status: 400 },
  { what: 'no body', body: undefined, status: 400 },
  { what: 'malformed JSON', body: '{"features":', status: 400 },
  { what: 'a JSON array', body: '[1,2]', status: 400 },
  { what: 'unknown top-level field', body: json({ features: row, extra: 1 }), status: 400 },
  { what: 'missing feature', body: json({ features: { sepal_length: 1 } }), status: 400 },
  { what: 'mistyped feature', body: json({ features: { ...row, petal_width: 'wide' } }), status: 400 },
  {
    what: 'too many rows',
    body: json({ instances: Array.from({ length: MAX_ROWS + 1 }, () => Object.values(row)) }),
    status: 413,
  },
  { what: 'body over the limit', body: json({ features: row, pad: 'x'.repeat(MAX_BODY) }), status: 413 },
  { what: 'not JSON', body: one, headers: { 'content-type': 'text/plain' }, status: 415 },
  { what: 'no token', body: one, headers: { authorization: '' }, auth: true, status: 401 },
  { what: 'wrong token', body: one, headers: { authorization: 'Bearer nope' }, auth: true, status: 401 },
  { what: 'not a bearer', body: one, headers: { authorization: 'Basic abc' }, auth: true, status: 401 },
  {
    what: 'no token and a body over the limit (the token first)',
    body: json({ features: row, pad: 'x'.repeat(MAX_BODY) }),
    headers: { authorization: '' },
    auth: true,
    status: 401,
  },
  { what: 'unknown endpoint', path: '/v1/endpoints/nope/predict', body: one, status: 404 },
  { what: 'invalid endpoint name', path: '/v1/endpoints/.hidden/predict', body: one, status: 400 },
  { what: 'name too long', path: `/v1/endpoints/${'a'.repeat(129)}/predict`, body: one, status: 400 },
  { what: 'escaped name', path: '/v1/endpoints/ir%69s/predict', body: one, toApp: true, status: 200 },
  { what: 'query string', path: `${PREDICT_PATH}?x=1`, body: one, toApp: true, only: 'node', status: 200 },
  { what: 'GET', method: 'GET', toApp: true, status: 405 },
];

/** The cases for one transport: with or without a required token. */
export function casesFor(transport: 'node' | 'lambda', withToken: boolean): readonly PredictCase[] {
  return PREDICT_CASES.filter((c) => (c.only ?? transport) === transport && (withToken || !c.auth));
}
