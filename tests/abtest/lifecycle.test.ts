import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictResponse } from '../../contracts/serving.js';
import { abTestLooks, evaluateCurrentAbTest, startAbTest, stopAbTest } from '../../core/abtest/lifecycle.js';
import { recordFeedback } from '../../core/abtest/outcomes.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import { createRng, type Rng } from '../../core/ml/random.js';
import { getAlias, getAliasHistory, setAlias } from '../../core/registry/aliases.js';
import { ensureEndpoint, getEndpoint, setTraffic } from '../../core/serving/endpoints.js';
import { type PredictContext, predict } from '../../core/serving/predict.js';
import { PredictionLogWriter } from '../../core/serving/prediction-log.js';
import { EndpointResolver } from '../../core/serving/resolver.js';
import { SessionCache } from '../../core/serving/session-cache.js';
import { startTestEmulators, type TestEmulators } from '../serving/emulators.js';
import { registerOnnx } from '../serving/fixtures/register.js';
import { classifierContract, tinyClassifierBytes } from '../serving/fixtures/tiny-models.js';

let emu: TestEmulators;
let ctx: PredictContext;
const rng: Rng = createRng(2024);

beforeAll(async () => {
  emu = await startTestEmulators();
  for (let i = 0; i < 3; i++) await registerOnnx(emu.deps, 'ab', tinyClassifierBytes(), classifierContract);
  await setAlias(emu.deps, {
    model: 'ab',
    alias: 'champion',
    version: 1,
    reason: 'first',
    policy: 'manual',
    by: 'test',
  });
  await setAlias(emu.deps, {
    model: 'ab',
    alias: 'challenger',
    version: 2,
    reason: 'candidate',
    policy: 'manual',
    by: 'test',
  });
  await ensureEndpoint(emu.deps, { model: 'ab' });
  // ttl 0: the test reads the endpoint's traffic as soon as a test starts or ends.
  ctx = {
    cache: new SessionCache(),
    resolver: new EndpointResolver({ ttlMs: 0 }),
    log: new PredictionLogWriter(emu.deps),
    random: rng.next,
  };
});
afterAll(() => emu?.close());

/**
 * Real traffic through predict(), then ground truth: the answer is right with the accuracy the
 * serving version is given here (the tiny models are identical; the world decides who is right).
 */
async function drive(accuracyOf: (version: number) => number, maxRequests: number): Promise<number> {
  const row = { x1: 5, color: 'red', x2: 1 };
  for (let sent = 0; sent < maxRequests; sent += 20) {
    if (!(await getEndpoint(emu.deps, 'ab')).abTestId) return sent;
    const answers: PredictResponse[] = await Promise.all(
      Array.from({ length: 20 }, () => predict(emu.deps, ctx, { endpoint: 'ab', body: { features: row } })),
    );
    await ctx.log.flush();
    const truths = answers.map((a) => (rng.next() < accuracyOf(a.version) ? a.predictions[0].label : 'no'));
    await Promise.all(answers.map((a, i) => recordFeedback(emu.deps, a.requestId, { actual: truths[i] })));
  }
  return maxRequests;
}

describe('A/B test lifecycle', () => {
  it('promotes a clearly better challenger, with the summary as the alias-history reason', async () => {
    const started = await startAbTest(emu.deps, 'ab', {
      metric: 'accuracy',
      split: 50,
      minSamples: 100,
      maxSamples: 3000,
    });
    expect(started).toMatchObject({ state: 'running', champion: { version: 1 }, challenger: { version: 2 } });
    await expect(startAbTest(emu.deps, 'ab', { metric: 'accuracy' })).rejects.toBeInstanceOf(ConflictError);
    await expect(
      setTraffic(emu.deps, 'ab', { variants: [{ name: 'x', version: 1, weight: 100 }] }),
    ).rejects.toBeInstanceOf(ConflictError);

    const sent = await drive((v) => (v === 2 ? 0.9 : 0.7), 4000);
    expect(sent).toBeLessThan(4000);
    const status = await evaluateCurrentAbTest(emu.deps, 'ab');
    expect(status).toMatchObject({ state: 'completed', decision: 'promote_challenger' });
    expect(status.pValue).toBeLessThan(0.05);
    expect(status.challenger.metric).toBeGreaterThan(status.champion.metric ?? 1);
    expect((await getAlias(emu.deps, { model: 'ab', alias: 'champion' })).version).toBe(2);
    const last = (await getAliasHistory(emu.deps, { model: 'ab', alias: 'champion' })).at(-1);
    expect(last).toMatchObject({ from: 1, to: 2, policy: 'ab_test', by: 'ab-evaluator' });
    expect(last?.reason).toMatch(new RegExp(`A/B test ${status.testId}: challenger better`));
    const endpoint = await getEndpoint(emu.deps, 'ab');
    expect(endpoint.abTestId).toBeUndefined();
    expect(endpoint.traffic).toBeUndefined();

    // The evidence over samples: one look per evaluation with new samples, the last one the decision's.
    const { looks } = await abTestLooks(emu.deps, 'ab');
    expect(looks.length).toBeGreaterThan(5);
    const totals = looks.map((l) => l.championN + l.challengerN);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(new Set(totals).size).toBe(totals.length);
    // The deciding look holds the decision's interval and p-value; feedback that landed while it
    // was being written still counts toward the arms (the record's n), not toward that look.
    const decisive = looks.at(-1)!;
    expect(decisive).toMatchObject({ interval: status.confidenceInterval, pValue: status.pValue });
    expect(decisive.championN).toBeLessThanOrEqual(status.champion.n);
    expect(decisive.challengerN).toBeLessThanOrEqual(status.challenger.n);
    expect(decisive.championN + decisive.challengerN).toBeGreaterThan(
      status.champion.n + status.challenger.n - 20,
    );
    // Once both arms have minSamples the band is a running intersection: it only narrows.
    const counted = looks.filter((l) => Math.min(l.championN, l.challengerN) >= 100);
    for (let i = 1; i < counted.length; i++) {
      expect(counted[i].interval[0]).toBeGreaterThanOrEqual(counted[i - 1].interval[0]);
      expect(counted[i].interval[1]).toBeLessThanOrEqual(counted[i - 1].interval[1]);
    }
    await evaluateCurrentAbTest(emu.deps, 'ab');
    expect((await abTestLooks(emu.deps, 'ab')).looks).toHaveLength(looks.length);
  });

  it('ends equal versions with no difference at the planned horizon and keeps the champion', async () => {
    await startAbTest(emu.deps, 'ab', {
      metric: 'accuracy',
      challengerVersion: 3,
      minSamples: 50,
      maxSamples: 120,
    });
    await drive(() => 0.8, 2000);
    const status = await evaluateCurrentAbTest(emu.deps, 'ab');
    expect(status).toMatchObject({ state: 'completed', decision: 'no_difference' });
    expect(Math.min(status.champion.n, status.challenger.n)).toBeGreaterThanOrEqual(120);
    expect((await getAlias(emu.deps, { model: 'ab', alias: 'champion' })).version).toBe(2);
  });

  it('stops a test on request and restores the traffic from before it', async () => {
    await setTraffic(emu.deps, 'ab', {
      variants: [{ name: 'main', version: 2, weight: 100 }],
      stickyKey: { from: 'header', name: 'x-user' },
    });
    await startAbTest(emu.deps, 'ab', { metric: 'accuracy', challengerVersion: 1 });
    expect((await getEndpoint(emu.deps, 'ab')).traffic?.stickyKey).toEqual({
      from: 'header',
      name: 'x-user',
    });
    const stopped = await stopAbTest(emu.deps, 'ab');
    expect(stopped.state).toBe('stopped');
    expect((await getEndpoint(emu.deps, 'ab')).traffic?.variants).toEqual([
      { name: 'main', version: 2, weight: 100 },
    ]);
    await expect(stopAbTest(emu.deps, 'ab')).rejects.toBeInstanceOf(NotFoundError);
  });
});
