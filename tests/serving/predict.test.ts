import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { createRng } from '../../core/ml/random.js';
import { setAlias } from '../../core/registry/aliases.js';
import { ensureEndpoint, setTraffic } from '../../core/serving/endpoints.js';
import { type PredictContext, predict } from '../../core/serving/predict.js';
import { PredictionLogWriter } from '../../core/serving/prediction-log.js';
import { getPrediction, getPredictionRecords } from '../../core/serving/prediction-store.js';
import { EndpointResolver } from '../../core/serving/resolver.js';
import { SessionCache } from '../../core/serving/session-cache.js';
import { startTestEmulators, type TestEmulators } from './emulators.js';
import { registerOnnx } from './fixtures/register.js';
import {
  classifierContract,
  regressorContract,
  tinyClassifierBytes,
  tinyRegressorBytes,
} from './fixtures/tiny-models.js';

let emu: TestEmulators;
let ctx: PredictContext;
const shadowErrors: unknown[] = [];
const row = { x1: 5, color: 'red', x2: 1 };

const register = (model: string, bytes: Uint8Array, contract = classifierContract, sha?: string) =>
  registerOnnx(emu.deps, model, bytes, contract, sha);

beforeAll(async () => {
  emu = await startTestEmulators();
  const clf = tinyClassifierBytes();
  for (let i = 0; i < 3; i++) await register('clf', clf);
  // Version 4's recorded sha256 is wrong: it must never load.
  await register('clf', clf, classifierContract, '0'.repeat(64));
  await setAlias(emu.deps, {
    model: 'clf',
    alias: 'champion',
    version: 1,
    reason: 'test',
    policy: 'manual',
    by: 'test',
  });
  await ensureEndpoint(emu.deps, { model: 'clf' });
  await register('reg', tinyRegressorBytes(), regressorContract);
  await setAlias(emu.deps, {
    model: 'reg',
    alias: 'champion',
    version: 1,
    reason: 'test',
    policy: 'manual',
    by: 'test',
  });
  await ensureEndpoint(emu.deps, { model: 'reg', name: 'reg-endpoint' });
  const rng = createRng(1);
  ctx = {
    cache: new SessionCache(),
    resolver: new EndpointResolver(),
    log: new PredictionLogWriter(emu.deps),
    random: rng.next,
    onShadowError: (_s, e) => shadowErrors.push(e),
  };
});
afterAll(() => emu?.close());

describe('predict', () => {
  it('serves the champion by default and logs the answer under its request id', async () => {
    const res = await predict(emu.deps, ctx, { endpoint: 'clf', body: { features: row } });
    expect(res).toMatchObject({ endpoint: 'clf', model: 'clf', version: 1, variant: 'champion' });
    expect(res.predictions[0].label).toBe('yes');
    await ctx.log.flush();
    expect(await getPrediction(emu.deps, res.requestId)).toMatchObject({
      variant: 'champion',
      version: 1,
      inputs: [row],
      outputs: res.predictions,
      rowCount: 1,
    });
  });

  it('answers an MLflow batch on a regressor endpoint', async () => {
    const res = await predict(emu.deps, ctx, {
      endpoint: 'reg-endpoint',
      body: {
        dataframe_split: {
          columns: ['a', 'b'],
          data: [
            [1, 2],
            [0, 0],
          ],
        },
      },
    });
    expect(res.predictions).toEqual([{ value: 5 }, { value: 1 }]);
  });

  it('splits traffic by weight, logs the shadow beside every answer, and never answers with it', async () => {
    await setTraffic(emu.deps, 'clf', {
      variants: [
        { name: 'a', version: 1, weight: 70 },
        { name: 'b', version: 2, weight: 30 },
      ],
      shadows: [{ name: 'next', version: 3 }],
    });
    ctx.resolver.invalidate('clf');
    const answers = [];
    for (let i = 0; i < 400; i++)
      answers.push(await predict(emu.deps, ctx, { endpoint: 'clf', body: { instances: [row] } }));
    const b = answers.filter((r) => r.variant === 'b').length / answers.length;
    expect(b).toBeGreaterThan(0.22);
    expect(b).toBeLessThan(0.38);
    expect(answers.some((r) => r.variant === 'next')).toBe(false);
    await ctx.log.flush();
    for (const r of answers.slice(0, 50)) {
      const records = await getPredictionRecords(emu.deps, r.requestId);
      expect(records.map((x) => `${x.variant}:${x.shadow}`).sort()).toEqual([
        `${r.variant}:false`,
        'next:true',
      ]);
    }
  });

  it('sends one sticky key to one variant every time', async () => {
    await setTraffic(emu.deps, 'clf', {
      variants: [
        { name: 'a', version: 1, weight: 50 },
        { name: 'b', version: 2, weight: 50 },
      ],
      stickyKey: { from: 'header', name: 'x-user' },
    });
    ctx.resolver.invalidate('clf');
    for (const user of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) {
      const seen = new Set<string>();
      for (let i = 0; i < 10; i++)
        seen.add(
          (
            await predict(emu.deps, ctx, {
              endpoint: 'clf',
              body: { features: row },
              headers: { 'X-User': user },
            })
          ).variant,
        );
      expect(seen.size).toBe(1);
    }
  });

  it('keeps answering when a shadow cannot load', async () => {
    await setTraffic(emu.deps, 'clf', {
      variants: [{ name: 'a', version: 1, weight: 100 }],
      shadows: [{ name: 'broken', version: 4 }],
    });
    ctx.resolver.invalidate('clf');
    const res = await predict(emu.deps, ctx, { endpoint: 'clf', body: { features: row } });
    await ctx.log.flush();
    expect(res.variant).toBe('a');
    expect(String(shadowErrors.at(-1))).toMatch(/does not match the registry/);
    expect((await getPredictionRecords(emu.deps, res.requestId)).map((r) => r.variant)).toEqual(['a']);
  });

  it('rejects bad input with the field named and unknown endpoints with 404', async () => {
    await expect(
      predict(emu.deps, ctx, { endpoint: 'clf', body: { features: { ...row, x2: 'high' } } }),
    ).rejects.toMatchObject({ field: 'features.x2' });
    await expect(predict(emu.deps, ctx, { endpoint: 'clf', body: { instances: [] } })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      predict(emu.deps, ctx, { endpoint: 'nope', body: { features: row } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("serves an endpoint's own model when the endpoint is named after another model", async () => {
    // Endpoint 'reg' serves clf, whose champion moves to v2; model 'reg' has its champion at v1.
    await setAlias(emu.deps, {
      model: 'clf',
      alias: 'champion',
      version: 2,
      reason: 'test',
      policy: 'manual',
      by: 'test',
    });
    await ensureEndpoint(emu.deps, { model: 'clf', name: 'reg' });
    const res = await predict(emu.deps, ctx, { endpoint: 'reg', body: { features: row } });
    expect(res).toMatchObject({ endpoint: 'reg', model: 'clf', version: 2, variant: 'champion' });
  });
});
