import type { ArmCounts } from '../../contracts/serving.js';
import { normalSf } from '../drift/stats/special.js';

/**
 * A/B statistics on per-sample scores (accuracy: 1 if correct else 0; RMSE: the squared error),
 * kept as sufficient statistics (n, sum, sum of squares) so feedback can update them with
 * atomic counters.
 *
 * The decision uses the mixture sequential probability ratio test (mSPRT; Johari, Pekelis and
 * Walsh, "Always valid inference", 2017 — the test behind Optimizely's and Eppo's sequential
 * results) for the difference of means with a normal mixing distribution N(0, tau^2): its
 * p-value and confidence sequence stay valid however often the test is looked at, from the first
 * look at which both arms have `minSamples` (the running minimum and intersection start there).
 * A classic fixed-horizon test is also reported, for display only: the pooled two-proportion
 * z-test for accuracy, Welch's z-test (unbiased per-arm variances) for squared errors.
 */

export interface ArmEstimate {
  readonly n: number;
  readonly mean: number;
  /** Variance of the per-sample score (not of the mean). */
  readonly variance: number;
}

/** Mean and variance of one arm. Bernoulli scores use a half-count prior so variance is never 0. */
export function estimateArm(counts: ArmCounts, bernoulli: boolean): ArmEstimate {
  const { n, sum, sumSquares } = counts;
  if (n === 0) return { n, mean: Number.NaN, variance: Number.NaN };
  const mean = sum / n;
  if (bernoulli) {
    const p = (sum + 0.5) / (n + 1);
    return { n, mean, variance: p * (1 - p) };
  }
  const variance = n > 1 ? Math.max(0, (sumSquares - n * mean * mean) / (n - 1)) : 0;
  return { n, mean, variance };
}

export interface DifferenceEstimate {
  /** challenger mean minus champion mean. */
  readonly difference: number;
  /** Variance of that difference (sum of the two means' variances). */
  readonly variance: number;
  /** Pooled per-sample standard deviation (sets the mixing scale). */
  readonly pooledSd: number;
}

/** Floor for variances: identical, perfect arms would otherwise divide by zero. */
const MIN_VARIANCE = 1e-12;

export function estimateDifference(champion: ArmEstimate, challenger: ArmEstimate): DifferenceEstimate {
  const variance = Math.max(
    MIN_VARIANCE,
    champion.variance / champion.n + challenger.variance / challenger.n,
  );
  const pooled =
    ((champion.n - 1) * champion.variance + (challenger.n - 1) * challenger.variance) /
    Math.max(1, champion.n + challenger.n - 2);
  return {
    difference: challenger.mean - champion.mean,
    variance,
    pooledSd: Math.sqrt(Math.max(MIN_VARIANCE, pooled)),
  };
}

/**
 * The mSPRT likelihood ratio against H0: difference = 0, for a normal mixture N(0, tau2):
 * Lambda = sqrt(V / (V + tau2)) * exp(tau2 * d^2 / (2 V (V + tau2))). Computed in logs.
 */
export function msprtLogLikelihoodRatio(difference: number, variance: number, tau2: number): number {
  const v = variance;
  return 0.5 * Math.log(v / (v + tau2)) + (tau2 * difference * difference) / (2 * v * (v + tau2));
}

/**
 * Always-valid p-value at this look: min(previous, 1 / Lambda). Pass the previous look's value
 * so the p-value never rises (that running minimum is what makes it valid at every look).
 */
export function alwaysValidPValue(difference: number, variance: number, tau2: number, previous = 1): number {
  const p = Math.exp(-msprtLogLikelihoodRatio(difference, variance, tau2));
  return Math.min(previous, 1, p);
}

/**
 * The (1 - alpha) confidence sequence for the difference: all theta whose mSPRT would not reject
 * at level alpha, d ± sqrt(2 V (V + tau2) / tau2 * (log(1/alpha) + log((V + tau2) / V) / 2)).
 */
export function confidenceSequence(
  difference: number,
  variance: number,
  tau2: number,
  alpha: number,
): [number, number] {
  const v = variance;
  const half = Math.sqrt(
    ((2 * v * (v + tau2)) / tau2) * (Math.log(1 / alpha) + 0.5 * Math.log((v + tau2) / v)),
  );
  return [difference - half, difference + half];
}

/** Two-sided z-test p-value for difference = 0 (valid only at one pre-planned look). */
export function fixedHorizonPValue(difference: number, variance: number): number {
  return Math.min(1, 2 * normalSf(Math.abs(difference) / Math.sqrt(variance)));
}

/**
 * The standard pooled two-proportion z-test (two-sided; scipy's and R's `prop.test` without
 * continuity correction): z = (p2 - p1) / sqrt(p(1-p)(1/n1 + 1/n2)) with p the pooled share.
 * Equal shares of 0 or 1 on both arms give p = 1. Valid only at one pre-planned look.
 */
export function pooledProportionPValue(champion: ArmCounts, challenger: ArmCounts): number {
  const pooled = (champion.sum + challenger.sum) / (champion.n + challenger.n);
  const variance = pooled * (1 - pooled) * (1 / champion.n + 1 / challenger.n);
  if (!(variance > 0)) return 1;
  return fixedHorizonPValue(challenger.sum / challenger.n - champion.sum / champion.n, variance);
}

/**
 * Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9), for
 * 0 < p < 1.
 */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** Fixed-horizon (1 - alpha) confidence interval for the difference. */
export function fixedHorizonInterval(difference: number, variance: number, alpha: number): [number, number] {
  const half = normalQuantile(1 - alpha / 2) * Math.sqrt(variance);
  return [difference - half, difference + half];
}

/** Adds one labelled sample's score to an arm (pure; the store uses atomic counters instead). */
export function addSample(counts: ArmCounts, score: number): ArmCounts {
  return { n: counts.n + 1, sum: counts.sum + score, sumSquares: counts.sumSquares + score * score };
}
