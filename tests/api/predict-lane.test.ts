import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CirrusApi, type CirrusApp, createApp } from '../../lambdas/api/app.js';
import type { ApiContext } from '../../lambdas/api/context.js';
import { nodeListener, withPredictLane } from '../../lambdas/api/predict-lane.js';
import { startTestEmulators, type TestEmulators } from '../serving/emulators.js';
import { deployModel, IRIS, recordingRunner, replyOf, TOKEN, trainIris } from './fixtures.js';
import { casesFor, MAX_BODY, MAX_ROWS, PREDICT_PATH, type PredictCase } from './predict-cases.js';

// The lane answers plain predict requests without Hono (lambdas/api/predict-lane.ts), through the
// same admission (answerPredict). These tests hold it to the app: every case of the shared table
// (predict-cases.ts) is sent to a real Node server with the lane and to the app in-process
// (`app.request`), and the two answers must be the same.

let emu: TestEmulators;
let ctx: ApiContext;
let app: CirrusApp;
let api: CirrusApi;
let server: Server;
let base: string;
let fallbacks = 0;

beforeAll(async () => {
  emu = await startTestEmulators();
  // Two versions, so sticky routing below has two variants to choose between.
  await deployModel(emu.deps, 'iris', [trainIris('logistic_regression'), trainIris('decision_tree')]);
  ctx = { deps: emu.deps, pipelines: recordingRunner(), events: { publish: async () => {} } };
  api = createApp(ctx, { token: TOKEN, maxBodyBytes: MAX_BODY, serving: { maxRows: MAX_ROWS } });
  app = api.app;
  // Counts what the lane hands to the app, to prove which requests it answered itself.
  const hono = getRequestListener(app.fetch);
  const counted: RequestListener = (req, res) => {
    fallbacks++;
    return hono(req, res);
  };
  server = createServer(
    withPredictLane(counted, { deps: ctx.deps, serving: api.serving, token: TOKEN, maxBodyBytes: MAX_BODY }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await api?.close();
  await emu?.close();
});

const row = IRIS[0].features;
const auth = { authorization: `Bearer ${TOKEN}` };
const json = (v: unknown) => JSON.stringify(v);
type Case = Pick<PredictCase, 'what' | 'method' | 'path' | 'body' | 'headers'>;

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly body: unknown;
}

/** The answer with the request id masked (each request gets its own). */
async function answerOf(res: Response): Promise<Answer> {
  const type = res.headers.get('content-type');
  let { body } = await replyOf(res);
  if (body && typeof body === 'object' && 'requestId' in body) body = { ...body, requestId: '<id>' };
  return { status: res.status, type, body };
}

function init(c: Case): RequestInit {
  const headers: Record<string, string> = { ...auth, 'content-type': 'application/json', ...c.headers };
  if (headers.authorization === '') delete headers.authorization;
  return { method: c.method ?? 'POST', headers, body: c.body };
}

describe('the predict lane of the local Node server', () => {
  it('answers every request exactly as the app does, and takes only plain predict requests', async () => {
    for (const c of casesFor('node', true)) {
      const before = fallbacks;
      const viaLane = await answerOf(await fetch(`${base}${c.path ?? PREDICT_PATH}`, init(c)));
      const viaApp = await answerOf(await app.request(c.path ?? PREDICT_PATH, init(c)));
      expect(viaLane, c.what).toEqual(viaApp);
      expect(viaLane.status, `${c.what}: status`).toBe(c.status);
      expect(fallbacks - before, `${c.what}: handed to the app`).toBe(c.toApp ? 1 : 0);
    }
  });

  it('routes a sticky header as the app does: same key, same variant, on either path', async () => {
    const put = await app.request('/v1/endpoints/iris/traffic', {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: json({
        variants: [
          { name: 'a', version: 1, weight: 50 },
          { name: 'b', version: 2, weight: 50 },
        ],
        stickyKey: { from: 'header', name: 'X-User-Id' },
      }),
    });
    expect(put.status).toBe(200);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const c: Case = {
        what: `user-${i}`,
        body: json({ features: row }),
        headers: { 'x-user-id': `user-${i}` },
      };
      const viaLane = await answerOf(await fetch(`${base}/v1/endpoints/iris/predict`, init(c)));
      const viaApp = await answerOf(await app.request('/v1/endpoints/iris/predict', init(c)));
      expect(viaLane, c.what).toEqual(viaApp);
      seen.add((viaLane.body as { variant: string }).variant);
    }
    expect(seen).toEqual(new Set(['a', 'b']));
  });

  it('logs what it answers in the app’s prediction log: the id is found through the app', async () => {
    const res = await fetch(
      `${base}/v1/endpoints/iris/predict`,
      init({ what: 'one', body: json({ features: row }) }),
    );
    const { requestId } = (await res.json()) as { requestId: string };
    const found = await app.request(`/v1/predictions/${requestId}`, { headers: auth });
    expect(found.status).toBe(200);
    const record = (await found.json()) as { requestId: string; inputs: unknown[] };
    expect(record.requestId).toBe(requestId);
    expect(record.inputs).toEqual([row]);
  });

  it('is what the local server listens with (nodeListener)', async () => {
    const plain = createServer(nodeListener(api, ctx.deps, { token: TOKEN, maxBodyBytes: MAX_BODY }));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
      const good = await fetch(
        `${url}/v1/endpoints/iris/predict`,
        init({ what: 'one', body: json({ features: row }) }),
      );
      expect(good.status).toBe(200);
      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
    } finally {
      await new Promise((r) => plain.close(r));
    }
  });
});
