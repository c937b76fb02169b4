import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPrediction } from '../../core/serving/prediction-store.js';
import { type CirrusApi, type CirrusApp, createApp } from '../../lambdas/api/app.js';
import type { ApiContext } from '../../lambdas/api/context.js';
import { predictAdapter } from '../../lambdas/api/predict-handler.js';
import { apiGatewayEvent } from '../infra/api-event.js';
import { startTestEmulators, type TestEmulators } from '../serving/emulators.js';
import { deployModel, IRIS, recordingRunner, replyOf, trainIris } from './fixtures.js';

// The predict function answers the predict route without the Hono app
// (lambdas/api/predict-handler.ts). These tests hold it to the app as AWS runs it (IAM in front,
// no token): each request goes to the adapter as an API Gateway v2 event and to the app
// in-process, and the two answers must be the same.

const MAX_BODY = 20_000;
const MAX_ROWS = 50;

let emu: TestEmulators;
let ctx: ApiContext;
let app: CirrusApp;
let api: CirrusApi;
let answer: ReturnType<typeof predictAdapter>;

beforeAll(async () => {
  emu = await startTestEmulators();
  await deployModel(emu.deps, 'iris', [trainIris('logistic_regression')]);
  ctx = { deps: emu.deps, pipelines: recordingRunner(), events: { publish: async () => {} } };
  api = createApp(ctx, { maxBodyBytes: MAX_BODY, serving: { maxRows: MAX_ROWS } });
  app = api.app;
  answer = predictAdapter(emu.deps, api.serving, MAX_BODY);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await emu?.close();
});

interface Case {
  readonly what: string;
  readonly method?: string;
  readonly path?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly base64?: boolean;
}

const row = IRIS[0].features;
const json = (v: unknown) => JSON.stringify(v);
const PATH = '/v1/endpoints/iris/predict';

const CASES: readonly Case[] = [
  { what: 'one row', body: json({ features: row }) },
  { what: 'a batch', body: json({ instances: IRIS.slice(0, 5).map((r) => Object.values(r.features)) }) },
  {
    what: 'MLflow dataframe_split',
    body: json({ dataframe_split: { columns: Object.keys(row), data: [Object.values(row)] } }),
  },
  { what: 'a base64 body', body: Buffer.from(json({ features: row })).toString('base64'), base64: true },
  { what: 'empty body', body: '' },
  { what: 'no body', body: undefined },
  { what: 'malformed JSON', body: '{"features":' },
  { what: 'a JSON array', body: '[1,2]' },
  { what: 'unknown top-level field', body: json({ features: row, extra: 1 }) },
  { what: 'missing feature', body: json({ features: { sepal_length: 1 } }) },
  { what: 'mistyped feature', body: json({ features: { ...row, petal_width: 'wide' } }) },
  { what: 'byte-order mark', body: `\uFEFF${json({ features: row })}` },
  { what: 'too many rows', body: json({ instances: Array.from({ length: MAX_ROWS + 1 }, () => Object.values(row)) }) },
  { what: 'body over the limit', body: json({ features: row, pad: 'x'.repeat(MAX_BODY) }) },
  { what: 'not JSON', body: json({ features: row }), headers: { 'content-type': 'text/plain' } },
  { what: 'unknown endpoint', path: '/v1/endpoints/nope/predict', body: json({ features: row }) },
  { what: 'invalid endpoint name', path: '/v1/endpoints/.hidden/predict', body: json({ features: row }) },
  { what: 'name too long', path: `/v1/endpoints/${'a'.repeat(129)}/predict`, body: json({ features: row }) },
  { what: 'escaped name', path: '/v1/endpoints/ir%69s/predict', body: json({ features: row }) },
  { what: 'GET', method: 'GET' },
];

/** The case as API Gateway hands it to the predict function (the route's decoded `{name}`). */
function eventOf(c: Case): APIGatewayProxyEventV2 {
  const method = c.method ?? 'POST';
  const path = c.path ?? PATH;
  const base = apiGatewayEvent(method, path) as unknown as APIGatewayProxyEventV2;
  const name = /^\/v1\/endpoints\/([^/]+)\/predict$/.exec(path)?.[1];
  return {
    ...base,
    headers: { ...base.headers, ...c.headers },
    pathParameters: name === undefined ? undefined : { name: decodeURIComponent(name) },
    body: c.body,
    isBase64Encoded: c.base64 ?? false,
  };
}

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly allow?: string | null;
  readonly body: unknown;
}

const masked = (body: unknown) =>
  body && typeof body === 'object' && 'requestId' in body ? { ...body, requestId: '<id>' } : body;

async function viaAdapter(c: Case): Promise<Answer> {
  const result = await answer(eventOf(c));
  const headers = new Headers(result.headers as Record<string, string>);
  const text = result.body ?? '';
  return {
    status: result.statusCode ?? 0,
    type: headers.get('content-type'),
    allow: headers.get('allow'),
    body: masked(text === '' ? '' : JSON.parse(text)),
  };
}

async function viaApp(c: Case): Promise<Answer> {
  const body = c.base64 && c.body ? Buffer.from(c.body, 'base64').toString('utf8') : c.body;
  const headers = { 'content-type': 'application/json', ...c.headers };
  const res = await app.request(c.path ?? PATH, { method: c.method ?? 'POST', headers, body });
  const reply = await replyOf(res);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    allow: res.headers.get('allow'),
    body: masked(reply.body),
  };
}

describe('the predict function (Lambda adapter of the predict route)', () => {
  it('answers every request exactly as the app does', async () => {
    for (const c of CASES) expect(await viaAdapter(c), c.what).toEqual(await viaApp(c));
  });

  it('answers with the right statuses (the comparison above is not of two broken paths)', async () => {
    const expected: Record<string, number> = {
      'one row': 200,
      'a base64 body': 200,
      'byte-order mark': 200,
      'escaped name': 200,
      'malformed JSON': 400,
      'mistyped feature': 400,
      'too many rows': 413,
      'body over the limit': 413,
      'not JSON': 415,
      'unknown endpoint': 404,
      'invalid endpoint name': 400,
      GET: 405,
    };
    const byWhat = new Map(CASES.map((c) => [c.what, c]));
    for (const [what, status] of Object.entries(expected))
      expect((await viaAdapter(byWhat.get(what)!)).status, what).toBe(status);
  });

  it('logs what it answers: the record is stored once the log is flushed', async () => {
    const result = await answer(eventOf({ what: 'one', body: json({ features: row }) }));
    const { requestId } = JSON.parse(result.body ?? '{}') as { requestId: string };
    await api.serving.log.flush();
    expect(await getPrediction(emu.deps, requestId)).toMatchObject({ requestId, endpoint: 'iris', inputs: [row] });
  });
});
