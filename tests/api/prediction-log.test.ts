import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, deployModel, type Reply, IRIS, startApi, trainIris } from './fixtures.js';

let api: ApiHarness;

beforeAll(async () => {
  api = await startApi();
  await deployModel(api.deps, 'iris', [trainIris('logistic_regression')]);
});
afterAll(() => api?.close());

describe('the prediction log over HTTP', () => {
  it('finds every prediction of a 5,000-request burst by its request id', async () => {
    const answers: Reply[] = [];
    for (let start = 0; start < 5_000; start += 100) {
      const batch = Array.from({ length: 100 }, (_, k) =>
        api.call('POST', '/v1/endpoints/iris/predict', {
          features: IRIS[(start + k) % IRIS.length].features,
        }),
      );
      answers.push(...(await Promise.all(batch)));
    }
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const ids = answers.map((a) => a.body.requestId as string);
    expect(new Set(ids).size).toBe(5_000);

    // Read back while part of the log may still be buffered: a miss flushes, nothing is lost.
    for (let start = 0; start < ids.length; start += 100) {
      const reads = await Promise.all(
        ids.slice(start, start + 100).map((id) => api.call('GET', `/v1/predictions/${id}`)),
      );
      reads.forEach((r, k) => {
        const i = start + k;
        expect(r.status, ids[i]).toBe(200);
        expect(r.body).toMatchObject({
          requestId: ids[i],
          endpoint: 'iris',
          model: 'iris',
          version: 1,
          variant: 'champion',
          shadow: false,
          rowCount: 1,
          inputs: [IRIS[i % IRIS.length].features],
          outputs: answers[i].body.predictions,
        });
        expect(r.body.latencyMs).toBeGreaterThanOrEqual(0);
      });
    }
  });

  it('takes feedback idempotently: the same truth twice is one label, a different one a conflict', async () => {
    const row = IRIS[60];
    const answer = await api.call('POST', '/v1/endpoints/iris/predict', { features: row.features });
    const path = `/v1/predictions/${answer.body.requestId}/feedback`;
    const first = await api.call('PUT', path, { actual: row.target });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ changed: true, record: { actual: row.target } });
    const again = await api.call('PUT', path, { actual: row.target });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      changed: false,
      record: { actual: row.target, feedbackAt: first.body.record.feedbackAt },
    });
    const other = await api.call('PUT', path, { actual: (row.target + 1) % 3 });
    expect(other.status).toBe(409);
    expect(other.body.error.message).toMatch(/write-once/);
    const logged = await api.call('GET', `/v1/predictions/${answer.body.requestId}`);
    expect(logged.body.actual).toBe(row.target);

    // A batch takes one truth per row, and says how many when the count is wrong.
    const batch = await api.call('POST', '/v1/endpoints/iris/predict', {
      instances: [row.features, IRIS[0].features],
    });
    const wrong = await api.call('PUT', `/v1/predictions/${batch.body.requestId}/feedback`, { actual: 1 });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ field: 'actual' });
    expect(wrong.body.error.message).toMatch(/2 values/);
    expect(
      (await api.call('PUT', `/v1/predictions/${batch.body.requestId}/feedback`, { actual: [1, 0] })).status,
    ).toBe(200);
    expect((await api.call('PUT', '/v1/predictions/no-such-request/feedback', { actual: 1 })).status).toBe(
      404,
    );
  });
});
