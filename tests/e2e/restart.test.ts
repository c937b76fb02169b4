import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';

/**
 * Issue 9's restart promise: stop the platform in the middle of traffic, start it again on the
 * same data directory, and find models, versions, aliases, prediction logs and runs all there.
 */
let dataDir = '';
let platform: LocalPlatform | undefined;

afterAll(async () => {
  await platform?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function call(p: LocalPlatform, method: string, path: string, body?: unknown) {
  const response = await fetch(`${p.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, json };
}

const ROW = {
  'sepal length (cm)': 5.9,
  'sepal width (cm)': 3.2,
  'petal length (cm)': 4.8,
  'petal width (cm)': 1.8,
};

describe('local platform restart', () => {
  it('keeps runs, versions, aliases and every answered prediction across a stop in mid-traffic', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cirrus-restart-'));
    platform = await startLocalPlatform({ dataDir, port: 0, scheduler: false });
    const first = platform;
    expect((await call(first, 'POST', '/v1/datasets', { name: 'iris', builtin: 'iris' })).status).toBe(201);
    const started = await call(first, 'POST', '/v1/experiments/iris/runs', {
      task: 'classification',
      algorithm: 'logistic_regression',
      dataset: { name: 'iris' },
      target: 'target',
    });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const runId = started.json.runId as string;
    const execution = await first.runner.wait(started.json.executionId as string);
    expect(execution.status).toBe('SUCCEEDED');

    const warm = await call(first, 'POST', '/v1/endpoints/iris/predict', { features: ROW });
    expect(warm.status, JSON.stringify(warm.json)).toBe(200);

    // Eight clients keep predicting; stop() begins once 100 answers are in, with requests in
    // flight. Every request that got an answer must be logged and findable after the restart.
    const answered: string[] = [];
    let stopping = false;
    const client = async () => {
      while (!stopping || answered.length < 100) {
        const res = await call(first, 'POST', '/v1/endpoints/iris/predict', { features: ROW }).catch(
          () => undefined,
        );
        if (!res) return; // the server closed: this client's traffic ends
        if (res.status === 200) answered.push(res.json.requestId as string);
        if (stopping) return;
      }
    };
    const clients = Array.from({ length: 8 }, client);
    while (answered.length < 100) await new Promise((r) => setTimeout(r, 5));
    stopping = true;
    await Promise.all([first.stop(), ...clients]);
    expect(answered.length).toBeGreaterThanOrEqual(100);

    platform = await startLocalPlatform({ dataDir, port: 0, scheduler: false });
    const second = platform;
    expect(second.token).toBe(first.token); // clients keep working after a restart

    const run = await call(second, 'GET', `/v1/runs/${runId}`);
    expect(run.json.status).toBe('SUCCEEDED');
    const versions = await call(second, 'GET', '/v1/models/iris/versions');
    expect((versions.json.versions as unknown[]).length).toBe(1);
    const aliases = await call(second, 'GET', '/v1/models/iris/aliases');
    expect(JSON.stringify(aliases.json)).toContain('champion');
    for (const requestId of answered) {
      const logged = await call(second, 'GET', `/v1/predictions/${requestId}`);
      expect(logged.status, `prediction ${requestId} lost in the restart`).toBe(200);
    }
    const again = await call(second, 'POST', '/v1/endpoints/iris/predict', { features: ROW });
    expect(again.status).toBe(200);
  });
});
