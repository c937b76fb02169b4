import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchJobView } from '../../contracts/batch.js';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { IRIS_TRAIN_ARGS, runCli } from '../cli/run-cli.js';

// Batch predictions through the HTTP API on the local runtime: batch-predict.asl.json on the
// local interpreter (Distributed Map semantics in local/stepfunctions), real emulated S3 and
// DynamoDB, real onnxruntime. Every output row is checked against the predict API's answer.
let platform: LocalPlatform;
let dir: string;
let env: Record<string, string>;
const FEATURES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
const BUCKET = 'cirrus-artifacts';

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${platform.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function put(key: string, body: string) {
  await platform.deps.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}
async function get(uri: string): Promise<string> {
  const key = uri.replace(`s3://${BUCKET}/`, '');
  const { Body } = await platform.deps.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return (await Body?.transformToString()) ?? '';
}

/** Deterministic iris-like rows (a small LCG, so a failure is reproducible). */
function makeRows(n: number, seed: number): number[][] {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, () =>
    [4 + rand() * 4, 2 + rand() * 2.5, 1 + rand() * 6, rand() * 2.5].map((v) => Math.round(v * 10) / 10),
  );
}

async function waitFor(jobId: string): Promise<BatchJobView> {
  for (;;) {
    const { body } = await api<BatchJobView>('GET', `/v1/batch-predictions/${jobId}`);
    if (body.status !== 'RUNNING') return body;
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Single = { label: string; probabilities: Record<string, number> };
/** The predict API's answers for rows (10,000 per request: its limit). */
async function singlePredictions(rows: number[][]): Promise<Single[]> {
  const out: Single[] = [];
  for (let i = 0; i < rows.length; i += 10_000) {
    const records = rows
      .slice(i, i + 10_000)
      .map((r) => Object.fromEntries(FEATURES.map((f, j) => [f, r[j]])));
    const { body } = await api<{ predictions: Single[] }>('POST', '/v1/endpoints/iris/predict', {
      dataframe_records: records,
    });
    out.push(...body.predictions);
  }
  return out;
}

function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trimEnd().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

function expectSameAsSingle(out: Record<string, string>[], single: Single[], version: number) {
  expect(out).toHaveLength(single.length);
  const classes = Object.keys(single[0].probabilities);
  out.forEach((row, i) => {
    const want = single[i];
    if (row.label !== want.label || Number(row.version) !== version)
      throw new Error(`row ${i + 1}: ${JSON.stringify(row)} vs ${JSON.stringify(want)}`);
    for (const c of classes)
      if (Number(row[`prob_${c}`]) !== want.probabilities[c]) throw new Error(`row ${i + 1} prob_${c}`);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cirrus-batch-'));
  platform = await startLocalPlatform({ dataDir: join(dir, 'data'), port: 0, scheduler: false });
  env = { CIRRUS_URL: platform.url, CIRRUS_TOKEN: platform.token };
  expect((await runCli(['datasets', 'load', 'iris'], env)).code).toBe(0);
  const train = IRIS_TRAIN_ARGS;
  expect((await runCli([...train, '--algorithm', 'logistic_regression'], env)).code).toBe(0);
  // Version 2 is registered but not deployed: the champion moves to it during the first job.
  expect((await runCli([...train, '--algorithm', 'random_forest', '--policy', 'manual'], env)).code).toBe(0);
}, 300_000);
afterAll(async () => {
  await platform?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('batch predictions on the local Distributed Map', () => {
  const rows = makeRows(100_000, 7);

  it('scores a 100,000-row CSV row for row as single predictions, with the version pinned while the champion moves', async () => {
    await put(
      'batch-in/big.csv',
      `${FEATURES.map((f) => `"${f}"`).join(',')}\n${rows.map((r) => r.join(',')).join('\n')}\n`,
    );
    const start = await api<BatchJobView>('POST', '/v1/endpoints/iris/batch-predictions', {
      input: `s3://${BUCKET}/batch-in/big.csv`,
      output: `s3://${BUCKET}/batch-out/big/`,
      maxConcurrency: 4,
      batchSize: 2000,
    });
    expect(start.status).toBe(202);
    expect(start.body).toMatchObject({ status: 'RUNNING', version: 1 });
    // The champion moves to version 2 while the job runs: the job must keep version 1.
    expect((await api('PUT', '/v1/models/iris/aliases/champion', { version: 2 })).status).toBe(200);
    const mid = await api<BatchJobView>('GET', `/v1/batch-predictions/${start.body.jobId}`);
    expect(mid.body.status).toBe('RUNNING');
    expect(mid.body.progress).toBeDefined();
    const job = await waitFor(start.body.jobId);
    expect(job.status).toBe('SUCCEEDED');
    expect(job.rows).toEqual({ total: 100_000, scored: 100_000, invalid: 0, failed: 0 });
    expect(job.batches).toEqual({ total: 50, failed: 0 });
    expect(job.version).toBe(1);
    const out = parseCsv(await get(job.predictionsUri ?? ''));
    expect(out[0].key).toBe('1');
    expect(out.at(-1)?.key).toBe('100000');
    // Single predictions now go to the champion (v2): compare against v1 through the endpoint's traffic.
    expect(
      (await api('PUT', '/v1/endpoints/iris/traffic', { variants: [{ version: 1, weight: 100 }] })).status,
    ).toBe(200);
    expectSameAsSingle(out, await singlePredictions(rows), 1);
  }, 600_000);

  it('reads a JSON Lines prefix of several objects, keyed by a column, in key order', async () => {
    const parts = [rows.slice(0, 700), rows.slice(700, 1500), rows.slice(1500, 2000)];
    for (const [p, part] of parts.entries()) {
      const lines = part.map((r, i) =>
        JSON.stringify({ id: `p${p}-${i}`, ...Object.fromEntries(FEATURES.map((f, j) => [f, r[j]])) }),
      );
      await put(`batch-in/jsonl/part-${p}.jsonl`, `${lines.join('\n')}\n`);
    }
    // Through the CLI, as a user runs it: it waits (progress on stderr), then prints the job.
    const res = await runCli(
      [
        'batch-predict',
        'iris',
        '--input',
        `s3://${BUCKET}/batch-in/jsonl/`,
        '--output',
        `s3://${BUCKET}/batch-out/jsonl/`,
        '--format',
        'jsonl',
        '--key-column',
        'id',
        '--batch-size',
        '300',
        '--json',
      ],
      env,
    );
    expect(res.code).toBe(0);
    const job = JSON.parse(res.stdout) as BatchJobView;
    const list = await runCli(['batch-predict', 'list'], env);
    expect(list.stdout).toContain(job.jobId);
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      outputFormat: 'jsonl',
      rows: { total: 2000, scored: 2000, invalid: 0 },
    });
    const out = (await get(job.predictionsUri ?? ''))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Single & { key: string; version: number });
    const single = await singlePredictions(rows.slice(0, 2000));
    expect(out.map((o) => o.key).slice(698, 702)).toEqual(['p0-698', 'p0-699', 'p1-0', 'p1-1']);
    out.forEach((o, i) =>
      expect({ label: o.label, probabilities: o.probabilities, version: o.version }).toEqual({
        ...single[i],
        version: job.version,
      }),
    );
  }, 300_000);

  it('puts 1% bad rows in the errors file with row number and reason, and scores the rest', async () => {
    const bad = new Set(Array.from({ length: 50 }, (_, k) => k * 100 + 37));
    const lines = rows
      .slice(0, 5000)
      .map((r, i) =>
        bad.has(i) ? (i % 200 === 37 ? ['abc', ...r.slice(1)] : r.slice(0, 3).concat([Number.NaN])) : r,
      );
    const csv = lines.map((r) => r.map((v) => (Number.isNaN(v) ? 'x' : v)).join(',')).join('\n');
    await put('batch-in/bad.csv', `${FEATURES.map((f) => `"${f}"`).join(',')}\n${csv}\n`);
    const start = await api<BatchJobView>('POST', '/v1/endpoints/iris/batch-predictions', {
      input: `s3://${BUCKET}/batch-in/bad.csv`,
      output: `s3://${BUCKET}/batch-out/bad/`,
      batchSize: 500,
    });
    const job = await waitFor(start.body.jobId);
    expect(job).toMatchObject({
      status: 'SUCCEEDED',
      rows: { total: 5000, scored: 4950, invalid: 50, failed: 0 },
    });
    const errors = parseCsv(await get(job.errorsUri ?? ''));
    expect(errors.map((e) => Number(e.row))).toEqual([...bad].map((i) => i + 1));
    expect(errors[0].reason).toMatch(/^"?sepal length \(cm\): must be a number/);
    const good = rows.slice(0, 5000).filter((_, i) => !bad.has(i));
    const out = parseCsv(await get(job.predictionsUri ?? ''));
    expect(out.map((o) => Number(o.key))).toEqual(
      [...Array(5000).keys()].filter((i) => !bad.has(i)).map((i) => i + 1),
    );
    expectSameAsSingle(out, await singlePredictions(good), 1);
  }, 300_000);

  it('refuses a bad request naming the field', async () => {
    const res = await api<{ error: { field?: string } }>('POST', '/v1/endpoints/iris/batch-predictions', {
      input: 'not-a-uri',
      output: `s3://${BUCKET}/x/`,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('input');
  });
});
