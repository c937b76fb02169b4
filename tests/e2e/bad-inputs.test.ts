import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { type Answer, call, train } from './platform-call.js';

/**
 * Issue 17: inputs that reached a 500. Each is now a 4xx naming the field (or the reason),
 * with nothing written, through the HTTP API of a real local platform.
 */
let dataDir = '';
let platform: LocalPlatform;
const ROW = {
  'sepal length (cm)': 5.9,
  'sepal width (cm)': 3.2,
  'petal length (cm)': 4.8,
  'petal width (cm)': 1.8,
};
const IRIS_RUN = {
  task: 'classification',
  algorithm: 'logistic_regression',
  dataset: { name: 'iris' },
  target: 'target',
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cirrus-bad-inputs-'));
  platform = await startLocalPlatform({ dataDir, port: 0, scheduler: false });
  expect((await call(platform, 'POST', '/v1/datasets', { name: 'iris', builtin: 'iris' })).status).toBe(201);
  const { run } = await train(platform, 'iris', IRIS_RUN);
  expect(run?.json.status).toBe('SUCCEEDED');
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function expect4xx(res: Answer, status: number, field?: string): void {
  const where = `${res.status} ${JSON.stringify(res.json).slice(0, 300)}`;
  expect(res.status, where).toBe(status);
  if (field !== undefined) {
    expect(res.json.error.field, where).toBe(field);
    expect(res.json.error.message, where).toContain(field);
  }
}

async function objectsUnder(prefix: string): Promise<string[]> {
  const page = await platform.deps.s3.send(
    new ListObjectsV2Command({ Bucket: platform.deps.bucket, Prefix: prefix }),
  );
  return (page.Contents ?? []).map((o) => o.Key ?? '');
}

describe('numbers DynamoDB cannot store', () => {
  it.each([
    ['hyperparameters.C', { hyperparameters: { C: 1e-200 } }],
    ['testSize', { testSize: 5e-324 }],
  ])('%s: a 400 naming the field, and no experiment created', async (field, extra) => {
    const name = `tiny-${field.replace(/\W/g, '')}`;
    expect4xx(
      await call(platform, 'POST', `/v1/experiments/${name}/runs`, { ...IRIS_RUN, ...extra }),
      400,
      field,
    );
    expect((await call(platform, 'GET', `/v1/experiments/${name}`)).status).toBe(404);
  });
});

describe('a dataset schema over the item limit', () => {
  it.each([
    [
      '9,000 long column names',
      `${Array.from({ length: 9000 }, (_, i) => `column_${i}_${'x'.repeat(40)}`).join(',')},target\n${'1,'.repeat(9000)}1\n`,
    ],
    ['one 5 MB column name', `${'n'.repeat(5 * 1024 * 1024)},target\n1,2\n`],
  ])('%s: a 400 naming csv, and nothing left in S3', async (_what, csv) => {
    const name = `wide-${csv.length}`;
    expect4xx(await call(platform, 'POST', '/v1/datasets', { name, csv }), 400, 'csv');
    expect((await call(platform, 'GET', `/v1/datasets/${name}`)).status).toBe(404);
    expect(await objectsUnder(`datasets/${name}/`)).toEqual([]);
  });
});

describe('non-finite model outputs', () => {
  it('a feature of 1e308 is a 422 naming the reason, on the lane and the app, and nothing is logged', async () => {
    const body = { features: { ...ROW, 'petal length (cm)': 1e308 } };
    for (const path of ['/v1/endpoints/iris/predict', '/v1/endpoints/iris/predict?via=app']) {
      const res = await call(platform, 'POST', path, body);
      expect4xx(res, 422);
      expect(res.json.error.message).toMatch(/not a finite number/);
    }
    // The endpoint keeps answering, and an answered id stays readable and takes feedback.
    const ok = await call(platform, 'POST', '/v1/endpoints/iris/predict', { features: ROW });
    expect(ok.status).toBe(200);
    const id = ok.json.requestId as string;
    expect((await call(platform, 'PUT', `/v1/predictions/${id}/feedback`, { actual: '2' })).status).toBe(200);
  });
});

describe('methods and media types', () => {
  it('CONNECT is answered 405 with Allow, not a closed socket', async () => {
    const url = new URL(platform.url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 405 /);
    expect(reply).toMatch(/\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE\r\n/);
  });

  it.each(['PATCH', 'DELETE', 'PUT'])(
    '%s on a known path is a 405 listing its methods in Allow',
    async (method) => {
      const res = await call(platform, method, '/v1/endpoints/iris/predict', { features: ROW });
      expect4xx(res, 405);
      expect(res.headers.get('allow')).toBe('POST');
      const models = await call(platform, method, '/v1/models');
      expect(models.status).toBe(405);
      expect(models.headers.get('allow')).toBe('GET, HEAD');
    },
  );

  it('an unknown path stays a 404', async () => {
    expect((await call(platform, 'PATCH', '/v1/nothing-here')).status).toBe(404);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv'])(
    'predict with Content-Type %s is a 415 on the lane and the app',
    async (contentType) => {
      for (const path of ['/v1/endpoints/iris/predict', '/v1/endpoints/iris/predict?via=app']) {
        const res = await call(platform, 'POST', path, { features: ROW }, { contentType });
        expect4xx(res, 415, 'content-type');
      }
    },
  );

  it('predict with application/json; charset=utf-8 and application/*+json still answers', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'application/vnd.api+json']) {
      const res = await call(
        platform,
        'POST',
        '/v1/endpoints/iris/predict',
        { features: ROW },
        { contentType },
      );
      expect(res.status).toBe(200);
    }
  });
});
