import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelContractSchema } from '../../contracts/model-contract.js';
import { createRng } from '../../core/ml/random.js';
import { trainBuiltin } from '../../training/quickstart.js';
import { type ApiHarness, deployModel, IRIS, startApi, type TrainedModel, trainIris } from './fixtures.js';

let api: ApiHarness;
let strong: TrainedModel;
let weak: TrainedModel;

beforeAll(async () => {
  // Seeded routing: the run is reproducible; the decision rule, not the seed, makes it pass.
  api = await startApi({ random: createRng(7).next, endpointTtlMs: 0 });
  strong = trainIris('logistic_regression');
  weak = trainIris('dummy');
  expect(strong.accuracy).toBeGreaterThan(0.9);
  expect(weak.accuracy).toBeLessThan(0.4);
});
afterAll(() => api?.close());

/**
 * Users send iris rows, then the truth for each answer, until the test ends (or `maxRequests`).
 * Returns how many labelled requests it took.
 */
async function drive(endpoint: string, maxRequests: number): Promise<number> {
  let sent = 0;
  while (sent < maxRequests) {
    const rows = Array.from({ length: 20 }, (_, k) => IRIS[((sent + k) * 37) % IRIS.length]);
    const answers = await Promise.all(
      rows.map((r) => api.call('POST', `/v1/endpoints/${endpoint}/predict`, { features: r.features })),
    );
    for (const [k, a] of answers.entries()) {
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      const fb = await api.call('PUT', `/v1/predictions/${a.body.requestId}/feedback`, {
        actual: rows[k].target,
      });
      expect(fb.status, JSON.stringify(fb.body)).toBe(200);
    }
    sent += rows.length;
    const status = await api.call('GET', `/v1/endpoints/${endpoint}/ab-tests/current`);
    if (status.body.state !== 'running') return sent;
  }
  return sent;
}

describe('A/B tests over HTTP', () => {
  it('promotes a clearly better challenger, with the test summary in the alias history', async () => {
    await deployModel(api.deps, 'ab-better', [weak, strong], 1);
    const start = await api.call('POST', '/v1/endpoints/ab-better/ab-tests', {
      challengerVersion: 2,
      split: 50,
      minSamples: 30,
      maxSamples: 400,
    });
    expect(start.status).toBe(201);
    expect(start.body).toMatchObject({
      state: 'running',
      metric: 'accuracy',
      champion: { version: 1 },
      challenger: { version: 2 },
    });
    const traffic = await api.call('GET', '/v1/endpoints/ab-better/traffic');
    expect(traffic.body.traffic.variants.map((v: { name: string }) => v.name)).toEqual([
      'champion',
      'challenger',
    ]);

    const used = await drive('ab-better', 1000);
    const status = await api.call('GET', '/v1/endpoints/ab-better/ab-tests/current');
    expect(status.body).toMatchObject({ state: 'completed', decision: 'promote_challenger' });
    expect(status.body.challenger.n).toBeGreaterThanOrEqual(30);
    expect(status.body.champion.n).toBeGreaterThanOrEqual(30);
    expect(status.body.pValue).toBeLessThan(0.05);
    expect(used).toBeLessThan(1000);

    const model = await api.call('GET', '/v1/models/ab-better');
    expect(model.body.aliases.find((a: { alias: string }) => a.alias === 'champion').version).toBe(2);
    const history = await api.call('GET', '/v1/models/ab-better/aliases/champion/history');
    const last = history.body.history.at(-1);
    expect(last).toMatchObject({ from: 1, to: 2, policy: 'ab_test', by: 'ab-evaluator' });
    expect(last.reason).toContain(status.body.testId);
    expect(last.reason).toMatch(/challenger better.*p=/);
    expect(last.reason).toMatch(/CI \[/);

    // The endpoint serves the new champion at once (traffic back to the champion alias).
    const after = await api.call('POST', '/v1/endpoints/ab-better/predict', { features: IRIS[0].features });
    expect(after.body).toMatchObject({ version: 2, variant: 'champion' });
  });

  it('promotes nothing when the two versions are equal, once the planned samples are in', async () => {
    await deployModel(api.deps, 'ab-equal', [strong, strong], 1);
    const start = await api.call('POST', '/v1/endpoints/ab-equal/ab-tests', {
      challengerVersion: 2,
      minSamples: 30,
      maxSamples: 120,
    });
    expect(start.status).toBe(201);
    await drive('ab-equal', 2000);
    const status = await api.call('GET', '/v1/endpoints/ab-equal/ab-tests/current');
    expect(status.body).toMatchObject({ state: 'completed', decision: 'no_difference' });
    expect(Math.min(status.body.champion.n, status.body.challenger.n)).toBeGreaterThanOrEqual(120);
    const history = await api.call('GET', '/v1/models/ab-equal/aliases/champion/history');
    expect(history.body.history.map((h: { to: number }) => h.to)).toEqual([1]);
    const after = await api.call('POST', '/v1/endpoints/ab-equal/predict', { features: IRIS[0].features });
    expect(after.body).toMatchObject({ version: 1 });
  });

  it('refuses a second test and stops the running one on DELETE', async () => {
    await deployModel(api.deps, 'ab-stop', [strong, weak], 1);
    expect((await api.call('POST', '/v1/endpoints/ab-stop/ab-tests', { challengerVersion: 2 })).status).toBe(
      201,
    );
    const again = await api.call('POST', '/v1/endpoints/ab-stop/ab-tests', { challengerVersion: 2 });
    expect(again.status).toBe(409);
    const busy = await api.call('PUT', '/v1/endpoints/ab-stop/traffic', {
      variants: [{ version: 1, weight: 100 }],
    });
    expect(busy.status).toBe(409);
    const stopped = await api.call('DELETE', '/v1/endpoints/ab-stop/ab-tests/current');
    expect(stopped.status).toBe(200);
    expect(stopped.body.state).toBe('stopped');
    expect((await api.call('DELETE', '/v1/endpoints/ab-stop/ab-tests/current')).status).toBe(404);
  });
});

/** A diabetes regressor from the real trainer. */
function trainDiabetes(algorithm: string): TrainedModel {
  const { root } = trainBuiltin('diabetes', algorithm, { keep: true });
  try {
    return {
      bytes: new Uint8Array(readFileSync(join(root, 'model', 'model.onnx'))),
      contract: ModelContractSchema.parse(
        JSON.parse(readFileSync(join(root, 'model', 'contract.json'), 'utf8')),
      ),
      accuracy: Number.NaN,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const DIABETES = (() => {
  const [header, ...lines] = readFileSync(new URL('../../datasets/diabetes.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const names = header.split(',');
  return lines.map((line) => {
    const values = line.split(',').map(Number);
    return {
      features: Object.fromEntries(names.slice(0, -1).map((n, i) => [n, values[i]])),
      target: values.at(-1),
    };
  });
})();

describe('A/B tests of regression models over HTTP', () => {
  it('compares RMSE and promotes the challenger with the lower error (linear regression over the mean)', async () => {
    await deployModel(
      api.deps,
      'ab-regression',
      [trainDiabetes('dummy'), trainDiabetes('linear_regression')],
      1,
    );
    const start = await api.call('POST', '/v1/endpoints/ab-regression/ab-tests', {
      challengerVersion: 2,
      minSamples: 30,
      maxSamples: 1000,
    });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    expect(start.body.metric).toBe('rmse');
    let sent = 0;
    let status = start;
    while (sent < 3000 && status.body.state === 'running') {
      const rows = Array.from({ length: 20 }, (_, k) => DIABETES[((sent + k) * 37) % DIABETES.length]);
      for (const r of rows) {
        const a = await api.call('POST', '/v1/endpoints/ab-regression/predict', { features: r.features });
        expect(a.status, JSON.stringify(a.body)).toBe(200);
        expect(typeof a.body.predictions[0].value).toBe('number');
        const fb = await api.call('PUT', `/v1/predictions/${a.body.requestId}/feedback`, {
          actual: r.target,
        });
        expect(fb.status, JSON.stringify(fb.body)).toBe(200);
      }
      sent += rows.length;
      status = await api.call('GET', '/v1/endpoints/ab-regression/ab-tests/current');
    }
    expect(status.body).toMatchObject({ state: 'completed', decision: 'promote_challenger' });
    // RMSE per arm: the root of the mean squared error, the mean predictor's near the target's spread.
    const { champion, challenger } = status.body;
    expect(champion.metric).toBeCloseTo(Math.sqrt(champion.sum / champion.n), 9);
    expect(challenger.metric).toBeCloseTo(Math.sqrt(challenger.sum / challenger.n), 9);
    expect(champion.metric).toBeGreaterThan(65);
    expect(challenger.metric).toBeLessThan(62);
    // Each sample scored by its squared error: the arm's sum of scores is the mean RMSE² times n.
    expect(status.body.difference).toBeCloseTo(challenger.sum / challenger.n - champion.sum / champion.n, 6);
    const history = await api.call('GET', '/v1/models/ab-regression/aliases/champion/history');
    expect(history.body.history.at(-1)).toMatchObject({ from: 1, to: 2, policy: 'ab_test' });
    expect(history.body.history.at(-1).reason).toMatch(/rmse difference .* in mean squared error/);
  });
});
