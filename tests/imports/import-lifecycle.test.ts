import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/ml/random.js';
import { type ApiHarness, deployModel, IRIS, startApi, trainIris } from '../api/fixtures.js';
import { base64, fixture, IRIS_CSV } from './fixtures.js';

let api: ApiHarness;
beforeAll(async () => {
  // Seeded routing: reproducible; the A/B decision rule, not the seed, makes it pass.
  api = await startApi({ random: createRng(11).next, endpointTtlMs: 0 });
});
afterAll(() => api?.close());

function importZipmap(model: string, extra: Record<string, unknown> = {}) {
  return api.call('POST', `/v1/models/${model}/import`, {
    onnxBase64: base64(fixture('skl-logreg-zipmap.onnx')),
    referenceCsv: IRIS_CSV,
    target: 'target',
    ...extra,
  });
}

describe('an imported version is a version like any other', () => {
  it('an imported challenger wins an A/B test against a trained champion', async () => {
    const champion = trainIris('dummy');
    expect(champion.accuracy).toBeLessThan(0.4);
    await deployModel(api.deps, 'ab-import', [champion], 1);
    const imported = await importZipmap('ab-import', { policy: 'ab_test' });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.deployment.abTestId).toBeTruthy();
    let sent = 0;
    for (; sent < 1000; sent += 20) {
      const rows = Array.from({ length: 20 }, (_, k) => IRIS[((sent + k) * 37) % IRIS.length]);
      for (const row of rows) {
        const answer = await api.call('POST', '/v1/endpoints/ab-import/predict', { features: row.features });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const fb = await api.call('PUT', `/v1/predictions/${answer.body.requestId}/feedback`, {
          actual: row.target,
        });
        expect(fb.status, JSON.stringify(fb.body)).toBe(200);
      }
      if ((await api.call('GET', '/v1/endpoints/ab-import/ab-tests/current')).body.state !== 'running') break;
    }
    const test = await api.call('GET', '/v1/endpoints/ab-import/ab-tests/current');
    expect(test.body).toMatchObject({ state: 'completed', decision: 'promote_challenger' });
    const model = await api.call('GET', '/v1/models/ab-import');
    expect(model.body.aliases.find((a: { alias: string }) => a.alias === 'champion').version).toBe(2);
  });

  it('gets a drift report against the baseline profiled from its reference set', async () => {
    const imported = await importZipmap('drift-import');
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body.version.baselineUri).toMatch(/baseline\.json$/);
    // Traffic whose petals are 4 cm longer than anything in the reference set.
    const instances = Array.from({ length: 300 }, (_, i) => {
      const f = { ...IRIS[(i * 7) % IRIS.length].features };
      f['petal length (cm)'] += 4;
      return f;
    });
    for (let i = 0; i < instances.length; i += 100) {
      const res = await api.call('POST', '/v1/endpoints/drift-import/predict', {
        instances: instances.slice(i, i + 100),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const report = await api.call('POST', '/v1/endpoints/drift-import/drift', { windowHours: 24 });
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body).toMatchObject({ model: 'drift-import', version: 1, driftDetected: true });
    const petal = report.body.features.find((f: { name: string }) => f.name === 'petal length (cm)');
    expect(petal.drifted).toBe(true);
  });

  it('scores as a shadow beside a trained champion, logged and never answered', async () => {
    await deployModel(api.deps, 'shadow-import', [trainIris('dummy')], 1);
    const imported = await importZipmap('shadow-import', { policy: 'manual' });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    const put = await api.call('PUT', '/v1/endpoints/shadow-import/traffic', {
      variants: [{ name: 'main', version: 1, weight: 100 }],
      shadows: [{ version: 2 }],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const shadowLabels = new Set<string>();
    for (const row of Array.from({ length: 30 }, (_, i) => IRIS[(i * 37) % IRIS.length])) {
      const answer = await api.call('POST', '/v1/endpoints/shadow-import/predict', {
        features: row.features,
      });
      expect(answer.body).toMatchObject({ variant: 'main', version: 1 });
      const logged = await api.call('GET', `/v1/predictions/${answer.body.requestId}`);
      expect(logged.body.shadows).toHaveLength(1);
      expect(logged.body.shadows[0]).toMatchObject({ version: 2, shadow: true, inputs: logged.body.inputs });
      shadowLabels.add(String(logged.body.shadows[0].outputs[0].label));
    }
    // The imported logistic regression tells the classes apart where the dummy champion cannot.
    expect(shadowLabels.size).toBe(3);
  });
});
