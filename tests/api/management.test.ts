import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, deployModel, IRIS, startApi, TOKEN, trainIris } from './fixtures.js';
import { PREVIEW_BYTES } from '../../core/datasets/index.js';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
  await deployModel(api.deps, 'iris', [
    trainIris('logistic_regression'),
    trainIris('decision_tree', { max_depth: 1 }),
  ]);
});
afterAll(() => api?.close());

/** The route table of docs/interfaces (the agreed HTTP API). */
const ROUTES = [
  'get /health',
  'get /v1/dead-letters',
  'post /v1/dead-letters/redrive',
  'post /v1/endpoints/{name}/batch-predictions',
  'get /v1/batch-predictions',
  'get /v1/batch-predictions/{jobId}',
  'post /v1/batch-predictions/uploads',
  'get /v1/batch-predictions/{jobId}/downloads',
  'post /v1/batch-predictions/{jobId}/drift',
  'get /v1/algorithms',
  'get /v1/datasets',
  'post /v1/datasets',
  'post /v1/datasets/uploads',
  'post /v1/datasets/uploads/{uploadId}/complete',
  'get /v1/datasets/uploads/{uploadId}',
  'get /v1/datasets/{name}',
  'get /v1/datasets/{name}/preview',
  'get /v1/experiments',
  'get /v1/experiments/{experiment}',
  'post /v1/experiments/{experiment}/runs',
  'post /v1/experiments/{experiment}/retrain',
  'get /v1/experiments/{experiment}/runs',
  'get /v1/runs/{runId}',
  'put /v1/experiments/{experiment}/schedule',
  'put /v1/experiments/{experiment}/continuous-training',
  'get /v1/models',
  'get /v1/models/{model}',
  'get /v1/models/{model}/versions',
  'get /v1/models/{model}/versions/{version}',
  'get /v1/models/{model}/versions/{version}/card',
  'get /v1/models/{model}/aliases',
  'put /v1/models/{model}/aliases/{alias}',
  'get /v1/models/{model}/aliases/{alias}/history',
  'post /v1/models/{model}/aliases/{alias}/repair',
  'post /v1/models/{model}/import',
  'post /v1/models/{model}/import/uploads',
  'post /v1/models/{model}/rollback',
  'get /v1/endpoints',
  'get /v1/endpoints/{name}',
  'post /v1/endpoints/{name}/predict',
  'put /v1/endpoints/{name}/traffic',
  'delete /v1/endpoints/{name}/traffic',
  'get /v1/endpoints/{name}/traffic',
  'get /v1/predictions/{requestId}',
  'put /v1/predictions/{requestId}/feedback',
  'post /v1/endpoints/{name}/ab-tests',
  'get /v1/endpoints/{name}/ab-tests/current',
  'get /v1/endpoints/{name}/ab-tests/current/looks',
  'delete /v1/endpoints/{name}/ab-tests/current',
  'get /v1/endpoints/{name}/drift',
  'post /v1/endpoints/{name}/drift',
  'get /v1/endpoints/{name}/drift/{reportId}',
  'get /v1/endpoints/{name}/predictions',
];

const trainBody = {
  task: 'classification',
  algorithm: 'logistic_regression',
  dataset: { name: 'iris' },
  target: 'target',
};

describe('auth and the OpenAPI document', () => {
  it('needs the bearer token everywhere but /health, /docs and /openapi.json', async () => {
    const none = await api.app.request('/v1/models');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: unknown }).error).toMatchObject({ code: 'Unauthorized' });
    const wrong = await api.app.request('/v1/models', { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const predict = await api.app.request('/v1/endpoints/iris/predict', {
      method: 'POST',
      body: JSON.stringify({ features: IRIS[0].features }),
    });
    expect(predict.status).toBe(401);
    expect(
      (await api.app.request('/v1/models', { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    expect(await (await api.app.request('/health')).json()).toEqual({ status: 'ok' });
    expect((await api.app.request('/docs')).status).toBe(200);
  });

  it('lists every route of the agreed table in /openapi.json, with bearer security', async () => {
    const res = await api.app.request('/openapi.json');
    expect(res.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const doc = (await res.json()) as any;
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual([...ROUTES].sort());
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(
      doc.paths['/v1/endpoints/{name}/predict'].post.requestBody.content['application/json'].schema,
    ).toBeDefined();
  });
});

describe('catalog, datasets and training runs', () => {
  it('lists algorithms with their tasks and hyperparameters', async () => {
    const res = await api.call('GET', '/v1/algorithms');
    const lr = res.body.algorithms.find((a: { name: string }) => a.name === 'logistic_regression');
    expect(lr.tasks).toContain('classification');
    // Defaults and bounds are what a user needs to pick values (catches the input-side schema).
    expect(lr.hyperparameters.properties.C).toMatchObject({ default: 1, type: 'number' });
  });

  it('registers built-in and uploaded datasets, and lists their versions', async () => {
    const iris = await api.call('POST', '/v1/datasets', { builtin: 'iris' });
    expect(iris.status).toBe(201);
    expect(iris.body).toMatchObject({ name: 'iris', rowCount: 150 });
    expect(iris.body.version).toMatch(/^[0-9a-f]{64}$/);
    const csv = await api.call('POST', '/v1/datasets', {
      name: 'tiny',
      csv: 'a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n',
    });
    expect(csv.status).toBe(201);
    const csv2 = await api.call('POST', '/v1/datasets', {
      name: 'tiny',
      csv: 'a,b,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n9,9,1\n',
    });
    expect(csv2.body.version).not.toBe(csv.body.version);
    const tiny = await api.call('GET', '/v1/datasets/tiny');
    expect(tiny.body).toMatchObject({ version: csv2.body.version, rowCount: 5 });
    expect(tiny.body.versions.map((v: { version: string }) => v.version)).toEqual([
      csv.body.version,
      csv2.body.version,
    ]);
    const list = await api.call('GET', '/v1/datasets');
    expect(list.body.datasets.map((d: { name: string }) => d.name).sort()).toEqual(['iris', 'tiny']);
    const both = await api.call('POST', '/v1/datasets', { name: 'x', builtin: 'iris', csv: 'a\n1\n' });
    expect(both.status).toBe(400);
    expect((await api.call('GET', '/v1/datasets/nope')).status).toBe(404);
  });

  it('previews the first rows of a dataset version, reading only the start of a large CSV', async () => {
    const first = await api.call('POST', '/v1/datasets', {
      name: 'shops',
      csv: 'city,note,sales\nOslo,"big, busy",10\nBergen,,7\nTromsø,quiet,3\n',
    });
    const rows = Array.from({ length: 20_000 }, (_, i) => `City${i},row ${i} of a long file,${i}`);
    const big = await api.call('POST', '/v1/datasets', {
      name: 'shops',
      csv: `city,note,sales\n${rows.join('\n')}\n`,
    });
    expect(big.body.bytes).toBeGreaterThan(PREVIEW_BYTES);

    const old = await api.call(
      'GET',
      `/v1/datasets/shops/preview?version=${first.body.version.slice(0, 8)}&limit=2`,
    );
    expect(old.status).toBe(200);
    expect(old.body).toEqual({
      name: 'shops',
      version: first.body.version,
      columns: ['city', 'note', 'sales'],
      rows: [
        ['Oslo', 'big, busy', '10'],
        ['Bergen', null, '7'],
      ],
      rowCount: 3,
    });
    const latest = await api.call('GET', '/v1/datasets/shops/preview?limit=500');
    expect(latest.body.rowCount).toBe(20_000);
    expect(latest.body.rows).toHaveLength(500);
    expect(latest.body.rows.at(-1)).toEqual(['City499', 'row 499 of a long file', '499']);

    const bad = await api.call('GET', '/v1/datasets/shops/preview?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('limit');
    expect((await api.call('GET', '/v1/datasets/shops/preview?version=ffffffff')).status).toBe(404);
  });

  it('starts a training run: 202 with the run id, the run readable at once with its execution', async () => {
    const res = await api.call('POST', '/v1/experiments/iris-exp/runs', trainBody);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ experiment: 'iris-exp', pipeline: 'training', executionId: 'exec-1' });
    const started = api.runner.started.at(-1)!;
    expect(started).toMatchObject({ pipeline: 'training', name: res.body.runId });
    expect(started.input).toMatchObject({
      runId: res.body.runId,
      request: {
        experiment: 'iris-exp',
        algorithm: 'logistic_regression',
        runId: res.body.runId,
        triggeredBy: 'api',
        split: 'stratified',
        testSize: 0.25,
      },
    });
    const run = await api.call('GET', `/v1/runs/${res.body.runId}`);
    expect(run.body).toMatchObject({
      id: res.body.runId,
      status: 'QUEUED',
      executionId: 'exec-1',
      execution: { status: 'RUNNING' },
    });
    expect(run.body.dataset.version).toMatch(/^[0-9a-f]{64}$/);
    const second = await api.call('POST', '/v1/experiments/iris-exp/runs', {
      ...trainBody,
      hyperparameters: { C: 0.5 },
    });
    const runs = await api.call('GET', '/v1/experiments/iris-exp/runs');
    expect(runs.body.runs.map((r: { id: string }) => r.id)).toEqual([second.body.runId, res.body.runId]);
    expect((await api.call('GET', '/v1/experiments/iris-exp')).body).toMatchObject({
      name: 'iris-exp',
      task: 'classification',
    });
  });

  it('starts a sweep for a list of algorithms', async () => {
    const res = await api.call('POST', '/v1/experiments/iris-sweep/runs', {
      ...trainBody,
      algorithm: 'logistic_regression, decision_tree',
    });
    expect(res.status).toBe(202);
    expect(res.body.pipeline).toBe('sweep');
    expect(res.body.runIds).toEqual([`${res.body.runId}-v0`, `${res.body.runId}-v1`]);
    expect(api.runner.started.at(-1)!.input).toMatchObject({
      request: { algorithm: ['logistic_regression', 'decision_tree'], runId: res.body.runId },
    });
  });

  it('refuses bad training requests before anything starts, naming the field', async () => {
    const before = api.runner.started.length;
    const cases: [unknown, number, string][] = [
      [{ ...trainBody, algorithm: 'deep_magic' }, 400, 'algorithm'],
      [{ ...trainBody, target: undefined }, 400, 'target'],
      [{ ...trainBody, testSize: 1.5 }, 400, 'testSize'],
      [{ ...trainBody, hyperparameters: { C: -1 } }, 400, 'hyperparameters.C'],
      [{ ...trainBody, colour: 'red' }, 400, 'colour'],
      [{ ...trainBody, experiment: 'other' }, 400, 'experiment'],
      [{ ...trainBody, dataset: { name: 'missing' } }, 422, 'dataset.name'],
      [{ ...trainBody, target: 'species' }, 422, 'target'],
    ];
    for (const [body, status, field] of cases) {
      const res = await api.call('POST', '/v1/experiments/iris-exp/runs', body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.field).toBe(field);
      expect(res.body.error.message).toContain(field);
    }
    const regression = await api.call('POST', '/v1/experiments/iris-exp/runs', {
      ...trainBody,
      task: 'regression',
      algorithm: 'ridge',
    });
    expect(regression.status).toBe(409);
    expect(api.runner.started.length).toBe(before);
  });

  it('sets and clears a retraining schedule', async () => {
    const set = await api.call('PUT', '/v1/experiments/iris-exp/schedule', { schedule: 'rate(1 day)' });
    expect(set.body.retrainSchedule).toEqual({ expression: 'rate(1 day)', enabled: true });
    const bad = await api.call('PUT', '/v1/experiments/iris-exp/schedule', { schedule: 'rate(soon)' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('schedule');
    const cleared = await api.call('PUT', '/v1/experiments/iris-exp/schedule', { schedule: null });
    expect(cleared.body.retrainSchedule).toBeUndefined();
    expect((await api.call('PUT', '/v1/experiments/nope/schedule', { schedule: null })).status).toBe(404);
  });
});

describe('registry and endpoints', () => {
  it('reads models, versions, cards and aliases', async () => {
    expect((await api.call('GET', '/v1/models')).body.models.map((m: { name: string }) => m.name)).toContain(
      'iris',
    );
    const versions = await api.call('GET', '/v1/models/iris/versions');
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await api.call('GET', '/v1/models/iris/versions/2')).body).toMatchObject({
      version: 2,
      algorithm: 'decision_tree',
    });
    const card = await api.call('GET', '/v1/models/iris/versions/1/card');
    expect(card.status).toBe(200);
    expect(JSON.stringify(card.body)).toContain('http://127.0.0.1:8787/v1/endpoints/iris/predict');
    const endpoint = await api.call('GET', '/v1/endpoints/iris');
    expect(endpoint.body).toMatchObject({
      name: 'iris',
      model: 'iris',
      serving: { source: 'champion', traffic: { variants: [{ version: 1, weight: 100 }] } },
    });
    expect((await api.call('GET', '/v1/endpoints')).body.endpoints).toHaveLength(1);
  });

  it('promotes by hand and rolls back with a reason; predictions follow at once', async () => {
    const put = await api.call('PUT', '/v1/models/iris/aliases/champion', {
      version: 2,
      reason: 'try the tree',
    });
    expect(put.status).toBe(200);
    expect(
      (await api.call('POST', '/v1/endpoints/iris/predict', { features: IRIS[0].features })).body.version,
    ).toBe(2);
    const rollback = await api.call('POST', '/v1/models/iris/rollback', { reason: 'tree underperforms' });
    expect(rollback.body).toMatchObject({ promoted: true, champion: 1, previousChampion: 2 });
    expect(
      (await api.call('POST', '/v1/endpoints/iris/predict', { features: IRIS[0].features })).body.version,
    ).toBe(1);
    const history = await api.call('GET', '/v1/models/iris/aliases/champion/history');
    expect(history.body.history.map((h: { to: number }) => h.to)).toEqual([1, 2, 1]);
    expect(history.body.history.at(-1).reason).toBe('rollback from v2 to v1: tree underperforms');
    const stale = await api.call('PUT', '/v1/models/iris/aliases/champion', {
      version: 2,
      expectedCurrent: 2,
    });
    expect(stale.status).toBe(409);
  });
});
