import { describe, expect, it } from 'vitest';
import type { AbDecision, ArmCounts } from '../../contracts/serving.js';
import { type AbTestPlan, evaluateAbTest, FRESH_SEQUENCE } from '../../core/abtest/evaluate.js';
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
  /** Evaluate after every `look` labelled samples (1: after every sample). @default 50 */
  readonly look?: number;
  /** Decide with the fixed-horizon p-value at every look instead (the mistake the mSPRT avoids). */
  readonly naivePeeking?: boolean;
}

/** Runs a test to its decision, looking at it every `look` samples as a dashboard would. */
function simulate(o: SimOptions): { decision: AbDecision; samples: number } {
  const rng = createRng(o.seed);
  let champion: ArmCounts = { n: 0, sum: 0, sumSquares: 0 };
  let challenger: ArmCounts = { n: 0, sum: 0, sumSquares: 0 };
  let previous = FRESH_SEQUENCE;
  for (let i = 1; ; i++) {
    if (rng.next() < (o.split ?? 0.5)) challenger = addSample(challenger, o.challenger(rng));
    else champion = addSample(champion, o.champion(rng));
    if (i % (o.look ?? 50) !== 0) continue;
    // The harness only carries the state between looks, as the lifecycle does in DynamoDB.
    const e = evaluateAbTest({ ...o.plan, champion, challenger, previous });
    previous = e.sequence;
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

/** Wilson score upper bound (z = 3.29, two-sided 99.9%) of a rate seen `hits` times in `runs`. */
function wilsonUpper(hits: number, runs: number, z = 3.29): number {
  const p = hits / runs;
  const centre = p + (z * z) / (2 * runs);
  const spread = z * Math.sqrt((p * (1 - p)) / runs + (z * z) / (4 * runs * runs));
  return (centre + spread) / (1 + (z * z) / runs);
}

/** Runs `runs` seeded tests with a look after every sample; the share that ended in `decision`. */
function rate(
  runs: number,
  seed: number,
  o: Omit<SimOptions, 'seed' | 'look'>,
  decision: AbDecision = 'promote_challenger',
): { hits: number; runs: number; rate: number } {
  let hits = 0;
  for (let s = 0; s < runs; s++)
    if (simulate({ ...o, seed: seed + s, look: 1 }).decision === decision) hits++;
  return { hits, runs, rate: hits / runs };
}

/**
 * A/A tests with a look after every labelled sample (the worst case a dashboard polling the API
 * can produce): the always-valid test must promote no more often than alpha. A false positive
 * here is any decision other than no_difference (promotion or keeping the champion).
 */
describe('promised error rates (A/A, a look after every sample)', () => {
  // 800 tests of 400 looks each: a few seconds of CPU per metric.
  const runs = 800;
  const falsePositives = (o: Omit<SimOptions, 'seed' | 'look'>, seed: number) => {
    const r = rate(runs, seed, o, 'no_difference');
    return { hits: runs - r.hits, rate: 1 - r.rate };
  };

  it('accuracy: false-positive rate <= alpha', () => {
    const plan: AbTestPlan = { metric: 'accuracy', alpha: 0.05, minSamples: 100, maxSamples: 200 };
    const fp = falsePositives({ plan, champion: bernoulli(0.8), challenger: bernoulli(0.8) }, 50_000);
    const upper = wilsonUpper(fp.hits, runs);
    console.log(
      `A/A accuracy: ${fp.hits}/${runs} false positives (${fp.rate.toFixed(4)}, 99.9% upper ${upper.toFixed(4)})`,
    );
    // The rate itself, not just the point estimate, is below alpha (99.9% Wilson bound).
    expect(upper).toBeLessThanOrEqual(plan.alpha);
  });

  it('RMSE: false-positive rate <= alpha', () => {
    const plan: AbTestPlan = { metric: 'rmse', alpha: 0.05, minSamples: 100, maxSamples: 200 };
    const fp = falsePositives({ plan, champion: squaredError(1), challenger: squaredError(1) }, 60_000);
    const upper = wilsonUpper(fp.hits, runs);
    console.log(
      `A/A RMSE: ${fp.hits}/${runs} false positives (${fp.rate.toFixed(4)}, 99.9% upper ${upper.toFixed(4)})`,
    );
    expect(upper).toBeLessThanOrEqual(plan.alpha);
  });

  it('reports power at the planned horizon (0.80 vs 0.88 accuracy, 400 per arm)', () => {
    const plan: AbTestPlan = { metric: 'accuracy', alpha: 0.05, minSamples: 100, maxSamples: 400 };
    const power = rate(200, 70_000, { plan, champion: bernoulli(0.8), challenger: bernoulli(0.88) });
    console.log(`power (accuracy 0.80 -> 0.88, 400/arm, look per sample): ${power.rate.toFixed(3)}`);
    // A fixed-horizon z-test at one look has power ~0.93 here; the always-valid test pays for its looks.
    expect(power.rate).toBeGreaterThan(0.5);
  });
});
