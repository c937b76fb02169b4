import { describe, expect, it } from 'vitest';
import type { ArmCounts } from '../../contracts/serving.js';
import { type AbTestPlan, evaluateAbTest, sampleScore } from '../../core/abtest/evaluate.js';

/** 0/1 scores: sum of squares equals the sum. */
const arm = (n: number, correct: number): ArmCounts => ({ n, sum: correct, sumSquares: correct });
const plan: AbTestPlan = { metric: 'accuracy', alpha: 0.05, minSamples: 100, maxSamples: 1000 };

describe('sampleScore', () => {
  it('scores a regression sample by its squared error (RMSE is the root of their mean)', () => {
    expect(sampleScore('rmse', { value: 3 }, 1)).toBe(4);
    expect(sampleScore('rmse', { value: 0.5 }, 1)).toBe(0.25);
    expect(sampleScore('rmse', { value: -2 }, 1)).toBe(9);
    expect(sampleScore('rmse', { value: 1 }, 1)).toBe(0);
    expect(sampleScore('rmse', { value: 1 }, 'x')).toBeUndefined();
    expect(sampleScore('rmse', { label: 'a' }, 1)).toBeUndefined();
  });

  it('scores a classification sample 1 or 0, comparing labels (and clusters) as text', () => {
    expect(sampleScore('accuracy', { label: '1' }, 1)).toBe(1);
    expect(sampleScore('accuracy', { label: 'setosa' }, 'versicolor')).toBe(0);
    expect(sampleScore('accuracy', { cluster: 2 }, '2')).toBe(1);
    expect(sampleScore('accuracy', { value: 2 }, 2)).toBeUndefined();
  });

  it('reports each RMSE arm as the root of its mean squared error', () => {
    const e = evaluateAbTest({
      ...plan,
      metric: 'rmse',
      champion: { n: 2, sum: 8, sumSquares: 32 },
      challenger: { n: 2, sum: 2, sumSquares: 2 },
    });
    expect(e.championMetric).toBe(2);
    expect(e.challengerMetric).toBe(1);
  });
});

describe('decision boundaries', () => {
  it('a p-value exactly at alpha is not significant: the test keeps running', () => {
    const e = evaluateAbTest({
      ...plan,
      champion: arm(200, 160),
      challenger: arm(200, 162),
      previous: { pValue: 0.05, interval: null },
    });
    expect(e.pValue).toBe(0.05);
    expect(e.decision).toBe('running');
  });

  it('a p-value just below alpha promotes a better challenger', () => {
    const e = evaluateAbTest({
      ...plan,
      champion: arm(200, 160),
      challenger: arm(200, 162),
      previous: { pValue: 0.0499999, interval: null },
    });
    expect(e.decision).toBe('promote_challenger');
  });

  it('the planned horizon exactly reached ends the test with no_difference', () => {
    const at = evaluateAbTest({ ...plan, champion: arm(1000, 800), challenger: arm(1001, 801) });
    expect(at.decision).toBe('no_difference');
    expect(at.reason).toMatch(/planned horizon of 1000 samples per arm reached/);
    const before = evaluateAbTest({ ...plan, champion: arm(999, 800), challenger: arm(1001, 801) });
    expect(before.decision).toBe('running');
  });

  it('minSamples exactly reached lets a significant result decide; one fewer waits', () => {
    const significant = { champion: arm(100, 50), challenger: arm(150, 148) };
    expect(evaluateAbTest({ ...plan, ...significant }).decision).toBe('promote_challenger');
    const fewer = { champion: arm(99, 50), challenger: arm(150, 148) };
    expect(evaluateAbTest({ ...plan, ...fewer }).decision).toBe('running');
  });

  it('a significantly worse challenger keeps the champion, for RMSE too (lower is better)', () => {
    expect(evaluateAbTest({ ...plan, champion: arm(150, 148), challenger: arm(100, 50) }).decision).toBe(
      'keep_champion',
    );
    const rmse = { ...plan, metric: 'rmse' as const };
    // Squared errors around 1 (challenger) vs around 4 (champion): the challenger is better.
    const lowErr = { n: 200, sum: 200, sumSquares: 400 };
    const highErr = { n: 200, sum: 800, sumSquares: 6400 };
    expect(evaluateAbTest({ ...rmse, champion: highErr, challenger: lowErr }).decision).toBe(
      'promote_challenger',
    );
    expect(evaluateAbTest({ ...rmse, champion: lowErr, challenger: highErr }).decision).toBe('keep_champion');
  });
});
