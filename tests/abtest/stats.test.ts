import { describe, expect, it } from 'vitest';
import {
  alwaysValidPValue,
  confidenceSequence,
  estimateArm,
  fixedHorizonInterval,
  fixedHorizonPValue,
  msprtLogLikelihoodRatio,
  normalQuantile,
} from '../../core/abtest/stats.js';

/** The mixture likelihood ratio by numeric integration over theta ~ N(0, tau2): an independent oracle. */
function mixtureRatioByIntegration(d: number, v: number, tau2: number): number {
  const tau = Math.sqrt(tau2);
  const steps = 20_000;
  const lo = -12 * tau;
  const h = (24 * tau) / steps;
  let total = 0;
  for (let i = 0; i <= steps; i++) {
    const theta = lo + i * h;
    const ratio = Math.exp((-((d - theta) ** 2) + d * d) / (2 * v));
    const prior = Math.exp(-(theta * theta) / (2 * tau2)) / Math.sqrt(2 * Math.PI * tau2);
    total += (i === 0 || i === steps ? 0.5 : 1) * ratio * prior * h;
  }
  return total;
}

describe('mSPRT', () => {
  it('matches the mixture likelihood ratio integrated numerically', () => {
    for (const [d, v, tau2] of [
      [0.1, 0.0004, 0.01],
      [-0.05, 0.001, 0.0025],
      [0, 0.01, 0.04],
      [2, 0.5, 1],
    ]) {
      expect(Math.exp(msprtLogLikelihoodRatio(d, v, tau2))).toBeCloseTo(
        mixtureRatioByIntegration(d, v, tau2),
        6,
      );
    }
  });

  it('never lets the always-valid p-value rise between looks', () => {
    expect(alwaysValidPValue(0, 0.01, 0.01, 0.2)).toBe(0.2);
    expect(alwaysValidPValue(0.5, 0.01, 0.01, 0.2)).toBeLessThan(0.2);
    expect(alwaysValidPValue(0, 0.01, 0.01)).toBeLessThanOrEqual(1);
  });

  it('bounds its confidence sequence exactly where the test stops rejecting', () => {
    const [d, v, tau2, alpha] = [0.08, 0.0004, 0.0025, 0.05];
    const [lo, hi] = confidenceSequence(d, v, tau2, alpha);
    expect(lo).toBeLessThan(d);
    expect(hi).toBeGreaterThan(d);
    // Testing H0: difference = hi is testing d - hi = 0.
    expect(alwaysValidPValue(d - hi, v, tau2)).toBeCloseTo(alpha, 10);
    expect(alwaysValidPValue(d - lo, v, tau2)).toBeCloseTo(alpha, 10);
    // Always-valid intervals are wider than the fixed-horizon one.
    const [flo, fhi] = fixedHorizonInterval(d, v, alpha);
    expect(hi - lo).toBeGreaterThan(fhi - flo);
  });
});

describe('fixed-horizon statistics', () => {
  it('gives p = 0.05 at z = 1.96 and the matching 95% interval', () => {
    expect(fixedHorizonPValue(1.959963984540054 * 0.1, 0.01)).toBeCloseTo(0.05, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
    const [lo, hi] = fixedHorizonInterval(0.3, 0.01, 0.05);
    expect(lo).toBeCloseTo(0.3 - 0.196, 3);
    expect(hi).toBeCloseTo(0.3 + 0.196, 3);
  });

  it('never gives a Bernoulli arm zero variance, even when every answer is right', () => {
    expect(estimateArm({ n: 50, sum: 50, sumSquares: 50 }, true).variance).toBeGreaterThan(0);
    expect(estimateArm({ n: 4, sum: 10, sumSquares: 30 }, false)).toEqual({
      n: 4,
      mean: 2.5,
      variance: (30 - 4 * 6.25) / 3,
    });
  });
});
