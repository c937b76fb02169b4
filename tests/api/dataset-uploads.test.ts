import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from './fixtures.js';

const IRIS = readFileSync(new URL('../../datasets/iris.csv', import.meta.url));
const IRIS_COLUMNS = IRIS.toString('utf8').split('\n')[0]!.split(',');

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api?.close());

/** Asks for an upload URL and PUTs `bytes` to it, as the CLI does (real emulated S3, presigned). */
async function upload(name: string, bytes: Uint8Array): Promise<string> {
  const created = await api.call('POST', '/v1/datasets/uploads', { name, bytes: bytes.length });
  expect(created.status).toBe(201);
  const put = await fetch(created.body.url, { method: 'PUT', body: bytes, headers: created.body.headers });
  expect(put.status, await put.clone().text()).toBe(200);
  return created.body.uploadId;
}

/** Completes an upload as the CLI does: 202 `checking`, then polls its status until it ends. */
async function complete(uploadId: string, body: Record<string, unknown>) {
  const started = await api.call('POST', `/v1/datasets/uploads/${uploadId}/complete`, body);
  if (started.status !== 202) return started;
  expect(started.body).toMatchObject({ uploadId, status: 'checking' });
  for (;;) {
    const status = await api.call('GET', `/v1/datasets/uploads/${uploadId}`);
    expect(status.status).toBe(200);
    if (status.body.status !== 'checking') return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function keysUnder(prefix: string): Promise<string[]> {
  const page = await api.deps.s3.send(new ListObjectsV2Command({ Bucket: api.deps.bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((o) => o.Key ?? '');
}

describe('large dataset uploads (presigned PUT, then complete)', () => {
  it('registers the uploaded object as the version its bytes hash to, checked against the declared file', async () => {
    const uploadId = await upload('flowers', IRIS);
    const sha256 = createHash('sha256').update(IRIS).digest('hex');
    const status = await complete(uploadId, {
      name: 'flowers',
      bytes: IRIS.length,
      sha256,
      columns: IRIS_COLUMNS,
    });
    expect(status.body.status, JSON.stringify(status.body)).toBe('registered');
    const done = { body: status.body.dataset };
    expect(done.body).toMatchObject({ name: 'flowers', version: sha256, rowCount: 150, bytes: IRIS.length });
    // The same bytes through the body path give the same version: one registration path.
    const inline = await api.call('POST', '/v1/datasets', { name: 'flowers', csv: IRIS.toString('utf8') });
    expect(inline.body.version).toBe(sha256);
    expect(inline.body.schema).toEqual(done.body.schema);
    expect(await keysUnder(`datasets/flowers/${sha256}/`)).toEqual([
      `datasets/flowers/${sha256}/data.csv`,
      `datasets/flowers/${sha256}/schema.json`,
      `datasets/flowers/${sha256}/values.json`,
    ]);
  });

  it('refuses a complete with nothing uploaded, naming uploadId, and writes nothing', async () => {
    const created = await api.call('POST', '/v1/datasets/uploads', { name: 'ghost', bytes: 10 });
    const done = await api.call('POST', `/v1/datasets/uploads/${created.body.uploadId}/complete`, {
      name: 'ghost',
    });
    expect(done.status).toBe(400);
    expect(done.body.error).toMatchObject({ field: 'uploadId' });
    expect(done.body.error.message).toContain('nothing was uploaded');
    expect((await api.call('GET', '/v1/datasets/ghost')).status).toBe(404);
  });

  it.each([
    ['columns', { columns: ['a', 'b'] }, "the upload's header is [sepal length (cm)"],
    ['bytes', { bytes: 12 }, `the upload holds ${IRIS.length} bytes, the file has 12`],
    ['sha256', { sha256: '0'.repeat(64) }, "the file's to 000000"],
  ])(
    'refuses an upload whose %s disagrees with the file, with nothing half-written',
    async (field, declared, message) => {
      const name = `wrong-${field}`;
      const uploadId = await upload(name, IRIS);
      // bytes is checked before the 202 (a HEAD); sha256 and columns once the file is read.
      const done = await complete(uploadId, { name, ...declared });
      if (field === 'bytes') expect(done.status).toBe(400);
      else expect(done.body.status).toBe('failed');
      expect(done.body.error.field).toBe(field);
      expect(done.body.error.message).toContain(message);
      expect((await api.call('GET', `/v1/datasets/${name}`)).status).toBe(404);
      expect(await keysUnder(`datasets/${name}/`)).toEqual([]);
    },
  );

  it('answers a repeated complete with the upload status and checks it once; checks again after a failure', async () => {
    const uploadId = await upload('twice', IRIS);
    const wrong = await complete(uploadId, { name: 'twice', sha256: '0'.repeat(64) });
    expect(wrong.body.status).toBe('failed');
    // A retry after a failure checks the object again.
    const first = await complete(uploadId, { name: 'twice' });
    expect(first.body.status).toBe('registered');
    // A client's retry of a completed upload starts no second check: the status, as written, comes back.
    const again = await api.call('POST', `/v1/datasets/uploads/${uploadId}/complete`, { name: 'twice' });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await api.call('GET', `/v1/datasets/uploads/${uploadId}`)).body).toEqual(first.body);
    // The same upload under another name is a conflict, named, and changes nothing.
    const other = await api.call('POST', `/v1/datasets/uploads/${uploadId}/complete`, { name: 'other' });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toContain("was completed as dataset 'twice'");
    expect((await api.call('GET', '/v1/datasets/other')).status).toBe(404);
  });

  it('refuses a size S3 cannot take in one PUT and an id that is not one, naming the field', async () => {
    const huge = await api.call('POST', '/v1/datasets/uploads', { name: 'huge', bytes: 6 * 1024 ** 3 });
    expect(huge.status).toBe(400);
    expect(huge.body.error.field).toBe('bytes');
    const bad = await api.call('POST', '/v1/datasets/uploads/..%2F..%2Fx/complete', { name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('uploadId');
    const unknown = await api.call('GET', '/v1/datasets/uploads/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
  });

  it('takes only a PUT of the declared length at the presigned URL', async () => {
    const created = await api.call('POST', '/v1/datasets/uploads', { name: 'short', bytes: IRIS.length });
    expect(new URL(created.body.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host');
    const put = await fetch(created.body.url, {
      method: 'PUT',
      body: IRIS.subarray(0, 100),
      headers: created.body.headers,
    });
    expect(put.status).toBe(403);
  });
});
