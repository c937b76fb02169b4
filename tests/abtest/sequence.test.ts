import { describe, expect, it } from 'vitest';
import type { ArmCounts } from '../../contracts/serving.js';
import { type AbTestPlan, evaluateAbTest, FRESH_SEQUENCE } from '../../core/abtest/evaluate.js';
import { pooledProportionPValue } from '../../core/abtest/stats.js';

/** Counts of an arm whose per-sample scores are `scores`. */
const arm = (scores: readonly number[]): ArmCounts => ({
  n: scores.length,
  sum: scores.reduce((a, b) => a + b, 0),
  sumSquares: scores.reduce((a, b) => a + b * b, 0),
});
const accuracyArm = (correct: number, n: number): ArmCounts => ({ n, sum: correct, sumSquares: correct });

const rmsePlan: AbTestPlan = { metric: 'rmse', alpha: 0.05, minSamples: 100, maxSamples: 1000 };

describe('the always-valid sequence starts at minSamples', () => {
  // Three squared errors per arm, tightly clustered: the variance estimate is tiny, the look's
  // p-value far below alpha — the kind of early look that used to stick.
  const early = evaluateAbTest({
    ...rmsePlan,
    champion: arm([4.0, 4.01, 3.99]),
    challenger: arm([0.1, 0.11, 0.09]),
  });
  // At minSamples the arms are indistinguishable: the challenger's errors 1% lower, far from significant.
  const even = Array.from({ length: 100 }, (_, i) => (i % 10) / 5);
  const later = evaluateAbTest({
    ...rmsePlan,
    champion: arm(even),
    challenger: arm(even.map((x) => x * 0.99)),
    previous: early.sequence,
  });

  it('shows an early look but does not carry it into the running minimum', () => {
    expect(early.decision).toBe('running');
    expect(early.pValue).toBeLessThan(1e-6);
    expect(early.sequence).toEqual(FRESH_SEQUENCE);
  });

  it('does not promote on an early look once the current interval contains 0', () => {
    // Carrying the early look would promote here (p = 0, challenger's errors lower).
    expect(later.decision).toBe('running');
    expect(later.pValue).toBeGreaterThan(0.5);
    const [lo, hi] = later.confidenceInterval ?? [Number.NaN, Number.NaN];
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(0);
  });

  it('intersects the confidence sequence over the counted looks and takes the running minimum', () => {
    const plan: AbTestPlan = { metric: 'accuracy', alpha: 0.05, minSamples: 100, maxSamples: 5000 };
    const first = evaluateAbTest({
      ...plan,
      champion: accuracyArm(80, 100),
      challenger: accuracyArm(90, 100),
    });
    const second = evaluateAbTest({
      ...plan,
      champion: accuracyArm(160, 200),
      challenger: accuracyArm(166, 200),
      previous: first.sequence,
    });
    const [lo1, hi1] = first.sequence.interval ?? [0, 0];
    const alone = evaluateAbTest({
      ...plan,
      champion: accuracyArm(160, 200),
      challenger: accuracyArm(166, 200),
    });
    const [lo2, hi2] = alone.confidenceInterval ?? [0, 0];
    expect(second.confidenceInterval).toEqual([Math.max(lo1, lo2), Math.min(hi1, hi2)]);
    expect(second.pValue).toBe(Math.min(first.pValue ?? 1, alone.pValue ?? 1));
    expect(second.sequence).toEqual({ pValue: second.pValue, interval: second.confidenceInterval });
  });
});

describe('fixed-horizon p-value (display only)', () => {
  it('is the standard pooled two-proportion z-test for accuracy', () => {
    expect(pooledProportionPValue(accuracyArm(135, 150), accuracyArm(153, 160))).toBeCloseTo(0.0539, 4);
    expect(pooledProportionPValue(accuracyArm(108, 108), accuracyArm(104, 108))).toBeCloseTo(0.0435, 4);
    expect(pooledProportionPValue(accuracyArm(50, 50), accuracyArm(50, 50))).toBe(1);
    const plan: AbTestPlan = { metric: 'accuracy', alpha: 0.05, minSamples: 100, maxSamples: 5000 };
    const e = evaluateAbTest({ ...plan, champion: accuracyArm(135, 150), challenger: accuracyArm(153, 160) });
    expect(e.fixedHorizonPValue).toBeCloseTo(0.0539, 4);
  });
});
