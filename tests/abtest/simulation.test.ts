import { describe, expect, it } from 'vitest';
import type { AbDecision, ArmCounts } from '../../contracts/serving.js';
import { type AbTestPlan, evaluateAbTest } from '../../core/abtest/evaluate.js';
import { addSample } from '../../core/abtest/stats.js';
import { createRng, type Rng } from '../../core/ml/random.js';

/** Draws one labelled sample's score for an arm. */
type Arm = (rng: Rng) => number;
const bernoulli =
  (p: number): Arm =>
  (rng) =>
    rng.next() < p ? 1 : 0;
const squaredError =
  (sd: number): Arm =>
  (rng) =>
    (rng.normal() * sd) ** 2;

interface SimOptions {
  readonly plan: AbTestPlan;
  readonly champion: Arm;
  readonly challenger: Arm;
  readonly seed: number;
  /** Share of traffic sent to the challenger. @default 0.5 */
  readonly split?: number;
  /** Evaluate after every `look` labelled samples. @default 50 */
  readonly look?: number;
  /** Decide with the fixed-horizon p-value at every look instead (the mistake the mSPRT avoids). */
  readonly naivePeeking?: boolean;
}

/** Runs a test to its decision, looking at it every `look` samples as a dashboard would. */
function simulate(o: SimOptions): { decision: AbDecision; samples: number } {
  const rng = createRng(o.seed);
  let champion: ArmCounts = { n: 0, sum: 0, sumSquares: 0 };
  let challenger: ArmCounts = { n: 0, sum: 0, sumSquares: 0 };
  let previousPValue = 1;
  for (let i = 1; ; i++) {
    if (rng.next() < (o.split ?? 0.5)) challenger = addSample(challenger, o.challenger(rng));
    else champion = addSample(champion, o.champion(rng));
    if (i % (o.look ?? 50) !== 0) continue;
    const e = evaluateAbTest({ ...o.plan, champion, challenger, previousPValue });
    previousPValue = e.pValue ?? 1;
    const enough = Math.min(champion.n, challenger.n) >= o.plan.minSamples;
    if (o.naivePeeking && enough && (e.fixedHorizonPValue ?? 1) < o.plan.alpha && (e.difference ?? 0) > 0) {
      return { decision: 'promote_challenger', samples: i };
    }
    if (!o.naivePeeking && e.decision !== 'running') return { decision: e.decision, samples: i };
    // The horizon is the product's rule too: evaluateAbTest must say no_difference itself.
    if (o.naivePeeking && e.decision === 'no_difference') return { decision: e.decision, samples: i };
    // A product that never decides fails the test (reported as still running), never loops.
    if (Math.min(champion.n, challenger.n) >= 2 * o.plan.maxSamples)
      return { decision: 'running', samples: i };
  }
}

const accuracyPlan: AbTestPlan = { metric: 'accuracy', alpha: 0.05, minSamples: 100, maxSamples: 2000 };

describe('evaluateAbTest under simulation', () => {
  it('promotes a clearly better challenger (0.90 vs 0.80 accuracy) in every seeded run', () => {
    const runs = Array.from({ length: 30 }, (_, seed) =>
      simulate({ plan: accuracyPlan, champion: bernoulli(0.8), challenger: bernoulli(0.9), seed }),
    );
    expect(runs.every((r) => r.decision === 'promote_challenger')).toBe(true);
  });

  it('promotes a better challenger on a 90/10 split and keeps a worse one out', () => {
    const plan = { ...accuracyPlan, maxSamples: 1500 };
    expect(
      simulate({ plan, champion: bernoulli(0.8), challenger: bernoulli(0.9), seed: 1, split: 0.1 }).decision,
    ).toBe('promote_challenger');
    expect(simulate({ plan, champion: bernoulli(0.9), challenger: bernoulli(0.8), seed: 2 }).decision).toBe(
      'keep_champion',
    );
  });

  it('promotes a challenger with lower RMSE and not an equal one', () => {
    const plan: AbTestPlan = { metric: 'rmse', alpha: 0.05, minSamples: 100, maxSamples: 2000 };
    expect(
      simulate({ plan, champion: squaredError(1), challenger: squaredError(0.7), seed: 3 }).decision,
    ).toBe('promote_challenger');
    expect(simulate({ plan, champion: squaredError(1), challenger: squaredError(1), seed: 4 }).decision).toBe(
      'no_difference',
    );
  });

  it('ends equal arms with no_difference at the planned horizon', () => {
    const r = simulate({ plan: accuracyPlan, champion: bernoulli(0.8), challenger: bernoulli(0.8), seed: 5 });
    expect(r).toMatchObject({ decision: 'no_difference' });
    expect(r.samples).toBeGreaterThanOrEqual(2 * accuracyPlan.maxSamples);
  });

  it('keeps false promotions under repeated looks below alpha, where naive peeking does not', () => {
    const sims = 400;
    let msprt = 0;
    let naive = 0;
    for (let s = 0; s < sims; s++) {
      const o = {
        plan: accuracyPlan,
        champion: bernoulli(0.8),
        challenger: bernoulli(0.8),
        seed: 10_000 + s,
      };
      if (simulate(o).decision === 'promote_challenger') msprt++;
      if (simulate({ ...o, naivePeeking: true }).decision === 'promote_challenger') naive++;
    }
    expect(msprt / sims).toBeLessThanOrEqual(accuracyPlan.alpha);
    // The harness can tell: peeking at a fixed-horizon test inflates the error well past alpha.
    expect(naive / sims).toBeGreaterThan(accuracyPlan.alpha * 1.5);
  });

  it('waits for minSamples in both arms however strong the early evidence', () => {
    const e = evaluateAbTest({
      ...accuracyPlan,
      champion: { n: 99, sum: 0, sumSquares: 0 },
      challenger: { n: 500, sum: 500, sumSquares: 500 },
    });
    expect(e.decision).toBe('running');
    expect(e.reason).toMatch(/100 labelled samples/);
    expect(e.pValue).toBeLessThan(1e-6);
  });
});
