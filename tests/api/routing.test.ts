import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, deployModel, IRIS, startApi, trainIris } from './fixtures.js';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
  const strong = trainIris('logistic_regression');
  const weak = trainIris('decision_tree', { max_depth: 1 });
  const baseline = trainIris('dummy');
  await deployModel(api.deps, 'iris', [strong, weak, baseline]);
});
afterAll(() => api?.close());

/** Sends `n` predictions, `concurrency` at a time; returns the answers in order. */
async function burst(
  n: number,
  body: (i: number) => unknown,
  headers?: (i: number) => Record<string, string>,
) {
  const answers = [];
  for (let start = 0; start < n; start += 50) {
    const batch = Array.from({ length: Math.min(50, n - start) }, (_, k) =>
      api.call('POST', '/v1/endpoints/iris/predict', body(start + k), { headers: headers?.(start + k) }),
    );
    answers.push(...(await Promise.all(batch)));
  }
  return answers;
}

describe('traffic routing over HTTP', () => {
  it('serves the champion until a traffic config says otherwise', async () => {
    const res = await api.call('POST', '/v1/endpoints/iris/predict', { features: IRIS[0].features });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ endpoint: 'iris', model: 'iris', version: 1, variant: 'champion' });
    expect(res.body.predictions[0].label).toBe('0');
  });

  it('splits 10,000 requests 90/10 within 2 points', async () => {
    const put = await api.call('PUT', '/v1/endpoints/iris/traffic', {
      variants: [
        { name: 'main', version: 1, weight: 90 },
        { name: 'canary', version: 2, weight: 10 },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      source: 'config',
      traffic: { variants: [{ name: 'main' }, { name: 'canary' }] },
    });

    const answers = await burst(10_000, (i) => ({ features: IRIS[i % IRIS.length].features }));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const variants = answers.map((a) => a.body.variant as string);
    const canary = variants.filter((v) => v === 'canary').length / variants.length;
    expect(Math.abs(canary - 0.1)).toBeLessThanOrEqual(0.02);
    expect(new Set(variants)).toEqual(new Set(['main', 'canary']));
    for (const a of answers) expect(a.body.version).toBe(a.body.variant === 'main' ? 1 : 2);
  });

  it('scores and logs a shadow variant beside every answer, and never answers with it', async () => {
    const put = await api.call('PUT', '/v1/endpoints/iris/traffic', {
      variants: [
        { name: 'main', version: 1, weight: 50 },
        { name: 'canary', version: 2, weight: 50 },
      ],
      shadows: [{ version: 3 }],
    });
    expect(put.body.traffic.shadows).toEqual([{ name: 'shadow-v3', version: 3 }]);
    const answers = await burst(200, (i) => ({ features: IRIS[i % IRIS.length].features }));
    expect(answers.map((a) => a.body.variant).filter((v) => v !== 'main' && v !== 'canary')).toEqual([]);
    for (const a of answers) {
      const logged = await api.call('GET', `/v1/predictions/${a.body.requestId}`);
      expect(logged.status).toBe(200);
      expect(logged.body).toMatchObject({
        variant: a.body.variant,
        shadow: false,
        outputs: a.body.predictions,
      });
      expect(logged.body.shadows).toHaveLength(1);
      expect(logged.body.shadows[0]).toMatchObject({
        variant: 'shadow-v3',
        version: 3,
        shadow: true,
        inputs: logged.body.inputs,
      });
    }
    // The shadow is the dummy model: one class for every row, whatever the answer said.
    const shadowLabels = new Set<string>();
    for (const a of answers.slice(0, 60)) {
      const logged = await api.call('GET', `/v1/predictions/${a.body.requestId}`);
      shadowLabels.add(logged.body.shadows[0].outputs[0].label);
    }
    expect(shadowLabels.size).toBe(1);
  });

  it('maps one sticky header value to one variant, every time', async () => {
    const put = await api.call('PUT', '/v1/endpoints/iris/traffic', {
      variants: [
        { name: 'a', version: 1, weight: 50 },
        { name: 'b', version: 2, weight: 50 },
      ],
      stickyKey: { from: 'header', name: 'X-User-Id' },
    });
    expect(put.status).toBe(200);
    const users = Array.from({ length: 100 }, (_, i) => `user-${i}`);
    const answers = await burst(
      1_000,
      (i) => ({ features: IRIS[i % IRIS.length].features }),
      (i) => ({ 'x-user-id': users[i % users.length] }),
    );
    const seen = new Map<string, Set<string>>();
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      const user = users[i % users.length];
      seen.set(user, (seen.get(user) ?? new Set()).add(a.body.variant));
    });
    for (const variants of seen.values()) expect(variants.size).toBe(1);
    // Both variants are in use: stickiness is per key, not one variant for all.
    const assigned = [...seen.values()].map((s) => [...s][0]);
    expect(new Set(assigned)).toEqual(new Set(['a', 'b']));
  });

  it('reads a sticky body field beside the rows', async () => {
    await api.call('PUT', '/v1/endpoints/iris/traffic', {
      variants: [
        { name: 'a', version: 1, weight: 50 },
        { name: 'b', version: 2, weight: 50 },
      ],
      stickyKey: { from: 'field', name: 'customer' },
    });
    const answers = await burst(300, (i) => ({
      customer: `c${i % 30}`,
      instances: [IRIS[i % IRIS.length].features],
    }));
    const byCustomer = new Map<string, Set<string>>();
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      byCustomer.set(`c${i % 30}`, (byCustomer.get(`c${i % 30}`) ?? new Set()).add(a.body.variant));
    });
    for (const variants of byCustomer.values()) expect(variants.size).toBe(1);
  });
});
