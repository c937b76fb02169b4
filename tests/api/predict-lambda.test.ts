import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPrediction } from '../../core/serving/prediction-store.js';
import { type CirrusApi, type CirrusApp, createApp } from '../../lambdas/api/app.js';
import type { ApiContext } from '../../lambdas/api/context.js';
import { predictAdapter } from '../../lambdas/api/predict-handler.js';
import { apiGatewayEvent } from '../infra/api-event.js';
import { startTestEmulators, type TestEmulators } from '../serving/emulators.js';
import { deployModel, IRIS, recordingRunner, replyOf, trainIris } from './fixtures.js';
import { casesFor, MAX_BODY, MAX_ROWS, PREDICT_PATH, type PredictCase } from './predict-cases.js';

// The predict function answers the predict route without the Hono app
// (lambdas/api/predict-handler.ts). These tests hold it to the app as AWS runs it (IAM in front,
// no token): each case of the shared table (predict-cases.ts) goes to the adapter as an API
// Gateway v2 event and to the app in-process, and the two answers must be the same.

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

const row = IRIS[0].features;
const json = (v: unknown) => JSON.stringify(v);
type Case = Pick<PredictCase, 'what' | 'method' | 'path' | 'body' | 'headers' | 'base64'>;

/** The case as API Gateway hands it to the predict function (the route's decoded `{name}`). */
function eventOf(c: Case): APIGatewayProxyEventV2 {
  const method = c.method ?? 'POST';
  const path = c.path ?? PREDICT_PATH;
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
  const res = await app.request(c.path ?? PREDICT_PATH, { method: c.method ?? 'POST', headers, body });
  const reply = await replyOf(res);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    allow: res.headers.get('allow'),
    body: masked(reply.body),
  };
}

describe('the predict function (Lambda adapter of the predict route)', () => {
  it('answers every request exactly as the app does, with the expected status', async () => {
    for (const c of casesFor('lambda', false)) {
      const viaLambda = await viaAdapter(c);
      expect(viaLambda, c.what).toEqual(await viaApp(c));
      expect(viaLambda.status, `${c.what}: status`).toBe(c.status);
    }
  });

  it('logs what it answers: the record is stored once the log is flushed', async () => {
    const result = await answer(eventOf({ what: 'one', body: json({ features: row }) }));
    const { requestId } = JSON.parse(result.body ?? '{}') as { requestId: string };
    await api.serving.log.flush();
    expect(await getPrediction(emu.deps, requestId)).toMatchObject({
      requestId,
      endpoint: 'iris',
      inputs: [row],
    });
  });
});
