import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/ml/random.js';
import { registerOnnx } from '../serving/fixtures/register.js';
import { ensureEndpoint } from '../../core/serving/endpoints.js';
import {
  type ApiHarness,
  deployModel,
  IRIS,
  type Reply,
  serveOverNode,
  startApi,
  trainIris,
} from './fixtures.js';

let api: ApiHarness;
let names: string[];

beforeAll(async () => {
  api = await startApi();
  const model = trainIris('logistic_regression');
  await deployModel(api.deps, 'iris', [model]);
  // A model with a version but no champion yet: its endpoint has nothing to serve.
  await registerOnnx(api.deps, 'unserved', model.bytes, model.contract);
  await ensureEndpoint(api.deps, { model: 'unserved' });
  names = model.contract.features.map((f) => f.name);
});
afterAll(() => api?.close());

interface Case {
  readonly what: string;
  readonly method?: string;
  readonly path?: string;
  /** A JSON value to send, or `raw` text. */
  readonly body?: unknown;
  readonly raw?: string;
  /** The error must name this field (in `field` and in the message). */
  readonly field?: string;
}

const row = () => ({ ...IRIS[0].features });
const positional = () => Object.values(IRIS[0].features);
/** Values no numeric feature accepts (null is accepted: it means missing). */
const BAD_VALUES: unknown[] = ['abc', '', true, false, {}, [], [1, 2], { value: 1 }, 'NaN', '1,5'];
const FORMATS = ['features', 'instances', 'dataframe_records', 'dataframe_split', 'inputs'] as const;

/** The body of one row in a format, with the row already corrupted. */
function inFormat(format: (typeof FORMATS)[number], r: Record<string, unknown>): unknown {
  switch (format) {
    case 'features':
      return { features: r };
    case 'instances':
      return { instances: [row(), r] };
    case 'dataframe_records':
      return { dataframe_records: [r] };
    case 'inputs':
      return { inputs: [r] };
    case 'dataframe_split':
      return { dataframe_split: { columns: Object.keys(r), data: [Object.values(r)] } };
  }
}

function fieldOf(format: (typeof FORMATS)[number], feature: string): string {
  return {
    features: `features.${feature}`,
    instances: `instances[1].${feature}`,
    dataframe_records: `dataframe_records[0].${feature}`,
    inputs: `inputs[0].${feature}`,
    dataframe_split: `dataframe_split.data[0].${feature}`,
  }[format];
}

function structuredCases(): Case[] {
  const cases: Case[] = [];
  for (const format of FORMATS) {
    for (const name of names) {
      for (const bad of BAD_VALUES) {
        cases.push({
          what: `${format}: ${name}=${JSON.stringify(bad)}`,
          body: inFormat(format, { ...row(), [name]: bad }),
          field: fieldOf(format, name),
        });
      }
      const { [name]: _gone, ...missing } = row();
      cases.push({
        what: `${format}: missing ${name}`,
        body: inFormat(format, missing),
        field: fieldOf(format, name),
      });
    }
    cases.push({
      what: `${format}: extra feature`,
      body: inFormat(format, { ...row(), colour: 1 }),
      field: fieldOf(format, 'colour'),
    });
  }
  // Empty batches, in every batch format.
  for (const body of [
    { instances: [] },
    { dataframe_records: [] },
    { inputs: [] },
    { inputs: {} },
    { dataframe_split: { columns: names, data: [] } },
  ]) {
    cases.push({ what: `empty batch ${JSON.stringify(body)}`, body, field: Object.keys(body)[0] });
  }
  // Positional rows of the wrong length (MLflow list-of-lists).
  cases.push({
    what: 'short positional row',
    body: { instances: [positional().slice(0, 2)] },
    field: 'instances[0]',
  });
  cases.push({ what: 'long positional row', body: { inputs: [[...positional(), 1]] }, field: 'inputs[0]' });
  // Bodies of the wrong shape.
  for (const body of [
    null,
    [],
    [row()],
    1,
    'features',
    true,
    {},
    { foo: 1 },
    { features: [1, 2, 3, 4] },
    { features: 'x' },
    { instances: {} },
    { instances: [1, 2] },
    { instances: 'rows' },
    { dataframe_split: { data: [[1]] } },
  ]) {
    cases.push({ what: `body ${JSON.stringify(body)}`, body, field: undefined });
  }
  cases.push({ what: 'two formats', body: { features: row(), instances: [row()] }, field: 'body' });
  cases.push({ what: 'unknown top-level field', body: { features: row(), user: 'u1' }, field: 'user' });
  return cases;
}

/** Malformed JSON: every proper prefix of a valid body, and JSON that only JavaScript accepts. */
function jsonCases(): Case[] {
  const valid = JSON.stringify({ features: row() });
  const cases: Case[] = [];
  for (let i = 1; i < valid.length; i++)
    cases.push({ what: `truncated at ${i}`, raw: valid.slice(0, i), field: 'body' });
  const first = names[0];
  for (const text of ['NaN', 'Infinity', '-Infinity', 'undefined', "'5.1'", '0x10', '.5', '1.', '+1', '01']) {
    cases.push({ what: `value ${text}`, raw: `{"features":{"${first}":${text}}}`, field: 'body' });
  }
  for (const text of [
    "{'features':{}}",
    '{features:{}}',
    '{"features":{},}',
    '{"features":{}}}',
    '[',
    '}',
    'null null',
    '\u0000',
    '{"a":"\\x"}',
  ]) {
    cases.push({ what: `raw ${JSON.stringify(text)}`, raw: text, field: 'body' });
  }
  // 1e400 parses to Infinity: valid JSON, invalid number.
  cases.push({
    what: 'overflowing number',
    raw: `{"features":{${names.map((n, i) => `"${n}":${i === 0 ? '1e400' : 1}`).join(',')}}}`,
    field: `features.${first}`,
  });
  return cases;
}

/** Random corruptions of valid bodies (seeded): each one breaks exactly one rule. */
function randomCases(count: number): Case[] {
  const rng = createRng(2025);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const format = pick(FORMATS);
    const name = pick(names);
    const r: Record<string, unknown> = { ...IRIS[Math.floor(rng.next() * IRIS.length)].features };
    const kind = Math.floor(rng.next() * 3);
    if (kind === 0) r[name] = pick(BAD_VALUES);
    else if (kind === 1) delete r[name];
    else r[`extra_${Math.floor(rng.next() * 1000)}`] = rng.next();
    const field = kind === 2 ? undefined : fieldOf(format, name);
    cases.push({
      what: `random #${i} (${format}, ${['bad value', 'missing', 'extra'][kind]} ${name})`,
      body: inFormat(format, r),
      field,
    });
  }
  return cases;
}

function routingCases(): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < 20; i++)
    cases.push({
      what: `unknown endpoint ${i}`,
      path: `/v1/endpoints/nope-${i}/predict`,
      body: { features: row() },
    });
  cases.push({
    what: 'endpoint without a champion',
    path: '/v1/endpoints/unserved/predict',
    body: { features: row() },
  });
  for (const bad of ['-bad', 'a%20b', '%F0%9F%92%A5', 'x'.repeat(200)]) {
    cases.push({
      what: `bad endpoint name ${bad}`,
      path: `/v1/endpoints/${bad}/predict`,
      body: { features: row() },
      field: 'name',
    });
  }
  cases.push({ what: 'unknown route', path: '/v1/endpoint/iris/predict', body: { features: row() } });
  cases.push({ what: 'wrong method', method: 'GET', path: '/v1/endpoints/iris/predict' });
  cases.push({ what: 'unknown model', method: 'GET', path: '/v1/models/no-such-model' });
  cases.push({ what: 'unknown version', method: 'GET', path: '/v1/models/iris/versions/99' });
  cases.push({
    what: 'version not a number',
    method: 'GET',
    path: '/v1/models/iris/versions/abc',
    field: 'version',
  });
  cases.push({
    what: 'unknown prediction',
    method: 'GET',
    path: '/v1/predictions/00000000-0000-0000-0000-000000000000',
  });
  // Feedback and traffic bodies.
  for (const body of [
    {},
    { actual: null },
    { actual: [] },
    { actual: {} },
    { actual: true },
    { actual: '' },
    { actual: 1, extra: 2 },
  ]) {
    cases.push({
      what: `feedback ${JSON.stringify(body)}`,
      method: 'PUT',
      path: '/v1/predictions/some-id/feedback',
      body,
    });
  }
  const traffic = '/v1/endpoints/iris/traffic';
  for (const body of [
    {},
    { variants: [] },
    { variants: [{ version: 1, weight: 90 }] },
    {
      variants: [
        { version: 1, weight: -10 },
        { version: 1, weight: 110 },
      ],
    },
    { variants: [{ version: 'one', weight: 100 }] },
    { variants: [{ version: 1, weight: 100 }], shadows: [{ version: 0 }] },
    { variants: [{ version: 1, weight: 100 }], stickyKey: { from: 'cookie', name: 'x' } },
    { variants: [{ version: 42, weight: 100 }] },
    { variants: [{ name: 'a b', version: 1, weight: 100 }] },
  ]) {
    cases.push({ what: `traffic ${JSON.stringify(body)}`, method: 'PUT', path: traffic, body });
  }
  return cases;
}

async function send(c: Case, call: ApiHarness['call'] = api.call): Promise<Reply> {
  const method = c.method ?? 'POST';
  const path = c.path ?? '/v1/endpoints/iris/predict';
  if (c.raw !== undefined) return call(method, path, undefined, { raw: c.raw });
  return call(method, path, c.body);
}

function expectClientError(c: Case, res: Reply): void {
  const where = `${c.what} -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.status, where).toBeLessThan(500);
  expect(typeof res.body?.error?.code, where).toBe('string');
  expect(res.body.error.message.length, where).toBeGreaterThan(5);
  if (c.field !== undefined) {
    expect(res.body.error.field, where).toBe(c.field);
    expect(res.body.error.message, where).toContain(c.field);
  }
}

/** Sends 1,100 malformed requests 25 at a time; each must be a 4xx naming its field; then a good one. */
async function fuzz(call: ApiHarness['call']): Promise<void> {
  const cases = [...structuredCases(), ...jsonCases(), ...routingCases()];
  cases.push(...randomCases(Math.max(0, 1100 - cases.length)));
  expect(cases.length).toBeGreaterThanOrEqual(1000);
  for (let i = 0; i < cases.length; i += 25) {
    const batch = cases.slice(i, i + 25);
    const replies = await Promise.all(batch.map((c) => send(c, call)));
    batch.forEach((c, k) => expectClientError(c, replies[k]));
  }
  const good = await call('POST', '/v1/endpoints/iris/predict', { features: row() });
  expect(good.status).toBe(200);
  expect(good.body.predictions[0].label).toBe('0');
}

describe('fuzzing the API with malformed requests', () => {
  it('answers at least 1,000 malformed requests with 4xx errors naming the field, and keeps serving', async () => {
    await fuzz(api.call);
  });

  it('answers them alike through the local Node server (plain predictions take the predict lane)', async () => {
    const node = await serveOverNode(api);
    try {
      await fuzz(node.call);
    } finally {
      await node.close();
    }
  });

  it('refuses a 100,000-row batch and a 10 MB body, then still answers', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => Object.values(IRIS[i % IRIS.length].features));
    const big = await api.call('POST', '/v1/endpoints/iris/predict', { instances: rows });
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/instances: 100000 rows, at most 10000/);

    const tenMb = JSON.stringify({
      instances: Array.from({ length: 120_000 }, (_, i) => IRIS[i % IRIS.length].features),
    });
    expect(tenMb.length).toBeGreaterThan(10_000_000);
    const huge = await api.call('POST', '/v1/endpoints/iris/predict', undefined, { raw: tenMb });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: 'PayloadTooLarge', field: 'body' });

    const good = await api.call('POST', '/v1/endpoints/iris/predict', { instances: rows.slice(0, 10_000) });
    expect(good.status).toBe(200);
    expect(good.body.predictions).toHaveLength(10_000);
  });
});

/** A raw HTTP/1.1 exchange: the reply's text, or '' when the server closed without one. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

/** Issue 17's shapes: every one answered (no socket closed without a reply), none with a 5xx. */
function issue17Cases(): Case[] {
  const cases: Case[] = [];
  for (const body of [
    { version: 1, by: '' },
    { version: 1, by: 'x'.repeat(129) },
    { version: 0 },
    { version: 1e-200 },
    { version: 1, reason: 'r'.repeat(501) },
    { version: 1, expectedCurrent: 1e300 },
  ]) {
    cases.push({
      what: `alias ${JSON.stringify(body).slice(0, 60)}`,
      method: 'PUT',
      path: '/v1/models/iris/aliases/champion',
      body,
    });
  }
  const run = {
    task: 'classification',
    algorithm: 'logistic_regression',
    dataset: { name: 'iris' },
    target: 'target',
  };
  for (const [field, extra] of [
    ['hyperparameters.C', { hyperparameters: { C: 1e-200 } }],
    ['hyperparameters.C', { hyperparameters: { C: -1e-300 } }],
    ['hyperparameters.C', { hyperparameters: { C: 1e300 } }],
    ['testSize', { testSize: 5e-324 }],
    ['testSize', { testSize: 1e-131 }],
  ] as const) {
    cases.push({
      what: `run ${field}=${JSON.stringify(extra)}`,
      path: '/v1/experiments/fuzzed/runs',
      body: { ...run, ...extra },
      field,
    });
  }
  for (const csv of [
    'a,b,target\n',
    'a;b;target\n1;2;0\n',
    'a\u0000b,target\n1,0\n',
    'a\u0007,target\n1,0\n',
    '__proto__,target\n1,0\n',
    `${'n'.repeat(300)},target\n1,0\n`,
    `${Array.from({ length: 9000 }, (_, i) => `c${i}_${'x'.repeat(40)}`).join(',')}\n${'1,'.repeat(8999)}1\n`,
  ]) {
    cases.push({
      what: `dataset ${JSON.stringify(csv.slice(0, 30))}`,
      path: '/v1/datasets',
      body: { name: 'fuzzed', csv },
      field: 'csv',
    });
  }
  for (const big of [1e308, -1e308, 1e39, -3.5e38]) {
    cases.push({ what: `feature ${big}`, body: { features: { ...row(), [names[0]]: big } } });
    cases.push({
      what: `feature ${big} (app)`,
      path: '/v1/endpoints/iris/predict?via=app',
      body: { instances: [row(), { ...row(), [names[0]]: big }] },
    });
  }
  for (const method of ['PATCH', 'DELETE', 'PUT', 'OPTIONS']) {
    for (const path of [
      '/v1/endpoints/iris/predict',
      '/v1/models',
      '/v1/datasets',
      '/v1/models/iris/aliases/champion/history',
    ]) {
      cases.push({ what: `${method} ${path}`, method, path, body: method === 'OPTIONS' ? undefined : {} });
    }
  }
  return cases;
}

describe('issue 17 shapes through the local Node server', () => {
  it('answers every one with a 4xx (405 with Allow for methods, 415 for media types), never a 5xx or a closed socket', async () => {
    const node = await serveOverNode(api);
    try {
      const statuses = new Map<number, number>();
      const cases = issue17Cases();
      for (const c of cases) {
        const res = await send(c, node.call);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expectClientError(c, res);
        if (c.what.startsWith('PATCH') || c.what.startsWith('DELETE')) expect(res.status, c.what).toBe(405);
      }
      for (const contentType of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'text/csv',
        'application/xml',
      ]) {
        for (const path of ['/v1/endpoints/iris/predict', '/v1/endpoints/iris/predict?via=app']) {
          const res = await node.call(
            'POST',
            path,
            { features: row() },
            { headers: { 'content-type': contentType } },
          );
          expect(res.status, `${contentType} ${path}`).toBe(415);
        }
      }
      const port = Number(new URL(node.url).port);
      for (const request of [
        'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
        'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n',
      ]) {
        const reply = await rawExchange(port, request);
        expect(reply, request).toMatch(/^HTTP\/1\.1 405 .*\r\nAllow: /s);
      }
      expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
      const good = await node.call('POST', '/v1/endpoints/iris/predict', { features: row() });
      expect(good.status).toBe(200);
    } finally {
      await node.close();
    }
  });
});
