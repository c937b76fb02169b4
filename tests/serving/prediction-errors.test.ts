import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionRows } from '../../core/drift/logged-rows.js';
import { ConflictError, ValidationError } from '../../core/errors.js';
import { setAlias } from '../../core/registry/aliases.js';
import { ensureEndpoint } from '../../core/serving/endpoints.js';
import { attachFeedback } from '../../core/serving/feedback.js';
import { type PredictContext, predict } from '../../core/serving/predict.js';
import { predictionActivity } from '../../core/serving/prediction-activity.js';
import { PredictionLogWriter } from '../../core/serving/prediction-log.js';
import { getPrediction, queryPredictions } from '../../core/serving/prediction-store.js';
import { EndpointResolver } from '../../core/serving/resolver.js';
import { SessionCache } from '../../core/serving/session-cache.js';
import { startTestEmulators, type TestEmulators } from './emulators.js';
import { registerOnnx } from './fixtures/register.js';
import { classifierContract, tinyClassifierBytes } from './fixtures/tiny-models.js';

// Failed requests in the prediction log: the source of the console's errors per minute.
let emu: TestEmulators;
let ctx: PredictContext;
let ids = 0;
const row = { x1: 5, color: 'red', x2: 1 };

beforeAll(async () => {
  emu = await startTestEmulators();
  await registerOnnx(emu.deps, 'clf', tinyClassifierBytes(), classifierContract);
  // The registry records a wrong sha256 for 'broken': its model never loads (a server error).
  await registerOnnx(emu.deps, 'broken', tinyClassifierBytes(), classifierContract, '0'.repeat(64));
  for (const model of ['clf', 'broken']) {
    await setAlias(emu.deps, {
      model,
      alias: 'champion',
      version: 1,
      reason: 'test',
      policy: 'manual',
      by: 'test',
    });
    await ensureEndpoint(emu.deps, { model });
  }
  ctx = {
    cache: new SessionCache(),
    resolver: new EndpointResolver(),
    log: new PredictionLogWriter(emu.deps),
    newRequestId: () => `req-${++ids}`,
    maxRows: 2,
  };
});
afterAll(() => emu?.close());

const hour = () => {
  const to = new Date(Date.now() + 1000);
  return { from: new Date(to.getTime() - 3_600_000), to, recent: 10 };
};

describe('failed predict requests', () => {
  it('are logged on the variant they were routed to, with the status and code they were answered with', async () => {
    await predict(emu.deps, ctx, { endpoint: 'clf', body: { features: row } });
    await expect(
      predict(emu.deps, ctx, { endpoint: 'clf', body: { features: { ...row, x1: 'five' } } }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      predict(emu.deps, ctx, { endpoint: 'clf', body: { instances: [row, row, row] } }),
    ).rejects.toMatchObject({ status: 413 });
    await expect(
      predict(emu.deps, ctx, { endpoint: 'broken', body: { features: row } }),
    ).rejects.toMatchObject({
      status: 500,
    });
    await ctx.log.flush();

    expect(await getPrediction(emu.deps, 'req-2')).toMatchObject({
      variant: 'champion',
      version: 1,
      rowCount: 0,
      error: { status: 400, code: 'ValidationError' },
    });
    const clf = await predictionActivity(emu.deps, { endpoint: 'clf', ...hour() });
    expect(clf.variants).toMatchObject([
      { variant: 'champion', requests: 1, rows: 1, errors: 2, serverErrors: 0 },
    ]);
    expect(clf.perMinute.reduce((a, m) => a + m.errors, 0)).toBe(2);
    expect(clf.perMinute.reduce((a, m) => a + m.requests, 0)).toBe(1);
    expect(clf.recent.map((r) => r.requestId)).toEqual(['req-1']);
    const broken = await predictionActivity(emu.deps, { endpoint: 'broken', ...hour() });
    expect(broken.variants).toMatchObject([{ requests: 0, errors: 1, serverErrors: 1 }]);
  });

  it('take no ground truth and give drift no rows', async () => {
    await expect(attachFeedback(emu.deps, 'req-2', { actual: 'yes' })).rejects.toBeInstanceOf(ConflictError);
    const stats = { records: 0, otherVersions: 0, truncated: 0 };
    const batches = [];
    for await (const rows of versionRows(
      queryPredictions(emu.deps, { endpoint: 'clf', ...hour() }),
      1,
      stats,
    ))
      batches.push(rows);
    expect(stats).toEqual({ records: 1, otherVersions: 0, truncated: 0 });
    expect(batches.flat()).toHaveLength(1);
  });
});
