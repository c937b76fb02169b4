import type { AbDecision, AbMetric, ArmCounts, FeedbackValue, Prediction } from '../../contracts/serving.js';
import {
  alwaysValidPValue,
  fixedHorizonPValue,
  confidenceSequence,
  estimateArm,
  estimateDifference,
  fixedHorizonInterval,
  pooledProportionPValue,
} from './stats.js';

/** The mixing scale tau of the mSPRT, in pooled standard deviations of the per-sample score. */
export const DEFAULT_TAU_SCALE = 0.25;

export interface AbTestPlan {
  readonly metric: AbMetric;
  readonly alpha: number;
  readonly minSamples: number;
  /** Planned horizon per arm. */
  readonly maxSamples: number;
  /** @default DEFAULT_TAU_SCALE */
  readonly tauScale?: number;
}

/**
 * What one look hands to the next (kept with the test): the running minimum of the always-valid
 * p-value and the running intersection of the confidence sequence, both over the looks at which
 * each arm had `minSamples` — earlier looks, with variances from a handful of samples, would make
 * the test reject too often (A/A with a look per sample: 5.6% at alpha 0.05 before this rule).
 */
export interface AbSequenceState {
  readonly pValue: number;
  /** null until a look with `minSamples` per arm. */
  readonly interval: [number, number] | null;
}

/** The state of a test no look has counted yet. */
export const FRESH_SEQUENCE: AbSequenceState = { pValue: 1, interval: null };

export interface AbEvaluationInput extends AbTestPlan {
  readonly champion: ArmCounts;
  readonly challenger: ArmCounts;
  /** The previous look's sequence state (FRESH_SEQUENCE when omitted). */
  readonly previous?: AbSequenceState;
}

export interface AbEvaluation {
  readonly decision: AbDecision;
  readonly reason: string;
  /** Accuracy, or RMSE, per arm (null before any sample). */
  readonly championMetric: number | null;
  readonly challengerMetric: number | null;
  /** challenger minus champion per-sample score (accuracy, or mean squared error). */
  readonly difference: number | null;
  readonly pValue: number | null;
  readonly confidenceInterval: [number, number] | null;
  readonly fixedHorizonPValue: number | null;
  readonly fixedHorizonInterval: [number, number] | null;
  /** The state to keep for the next look (unchanged before `minSamples`). */
  readonly sequence: AbSequenceState;
}

/** The per-sample score: 1/0 for a correct/incorrect label (accuracy), the squared error (RMSE). */
export function sampleScore(
  metric: AbMetric,
  prediction: Prediction,
  actual: FeedbackValue,
): number | undefined {
  if (metric === 'accuracy') {
    const label = prediction.label ?? prediction.cluster;
    return label === undefined ? undefined : String(label) === String(actual) ? 1 : 0;
  }
  if (prediction.value === undefined || typeof actual !== 'number') return undefined;
  return (prediction.value - actual) ** 2;
}

function armMetric(metric: AbMetric, counts: ArmCounts): number | null {
  if (counts.n === 0) return null;
  const mean = counts.sum / counts.n;
  return metric === 'accuracy' ? mean : Math.sqrt(mean);
}

const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toPrecision(4) : x.toExponential(2));

/**
 * Decides an A/B test from its counts. Promote the challenger when the always-valid p-value is
 * below alpha, the challenger is better (higher accuracy, lower squared error) and both arms
 * have `minSamples`; keep the champion when it is significantly better; end with
 * `no_difference` once both arms reach the planned horizon; otherwise keep running.
 *
 * @example
 * evaluateAbTest({ metric: 'accuracy', alpha: 0.05, minSamples: 100, maxSamples: 5000,
 *   champion: { n: 900, sum: 720, sumSquares: 720 }, challenger: { n: 900, sum: 810, sumSquares: 810 } }).decision
 * // 'promote_challenger'
 */
export function evaluateAbTest(input: AbEvaluationInput): AbEvaluation {
  const { metric, alpha, champion, challenger } = input;
  const previous = input.previous ?? FRESH_SEQUENCE;
  const base = {
    championMetric: armMetric(metric, champion),
    challengerMetric: armMetric(metric, challenger),
  };
  if (champion.n < 2 || challenger.n < 2) {
    return {
      ...base,
      decision: 'running',
      reason: `waiting for samples (champion ${champion.n}, challenger ${challenger.n})`,
      difference: null,
      pValue: null,
      confidenceInterval: null,
      fixedHorizonPValue: null,
      fixedHorizonInterval: null,
      sequence: previous,
    };
  }
  const bernoulli = metric === 'accuracy';
  const diff = estimateDifference(estimateArm(champion, bernoulli), estimateArm(challenger, bernoulli));
  const tau2 = ((input.tauScale ?? DEFAULT_TAU_SCALE) * diff.pooledSd) ** 2;
  const counted = Math.min(champion.n, challenger.n) >= input.minSamples;
  const lookP = alwaysValidPValue(diff.difference, diff.variance, tau2);
  const lookInterval = confidenceSequence(diff.difference, diff.variance, tau2, alpha);
  // Before minSamples the look is shown but not carried: the running min and intersection start there.
  const sequence = counted
    ? { pValue: Math.min(previous.pValue, lookP), interval: intersect(previous.interval, lookInterval) }
    : previous;
  const pValue = counted ? sequence.pValue : lookP;
  const stats = {
    ...base,
    difference: diff.difference,
    pValue,
    confidenceInterval: counted ? sequence.interval : lookInterval,
    fixedHorizonPValue: bernoulli
      ? pooledProportionPValue(champion, challenger)
      : fixedHorizonPValue(diff.difference, diff.variance),
    fixedHorizonInterval: fixedHorizonInterval(diff.difference, diff.variance, alpha),
    sequence,
  };
  const { decision, reason } = decide(input, diff.difference, pValue);
  return { ...stats, decision, reason };
}

/**
 * Running intersection of the confidence sequence. An empty intersection means every difference
 * was rejected at some look (as 0 was: the p-value is below alpha too); the current interval is
 * kept then, so the report never shows an inverted interval.
 */
function intersect(previous: [number, number] | null, current: [number, number]): [number, number] {
  if (!previous) return current;
  const lo = Math.max(previous[0], current[0]);
  const hi = Math.min(previous[1], current[1]);
  return lo <= hi ? [lo, hi] : current;
}

function decide(
  input: AbEvaluationInput,
  difference: number,
  pValue: number,
): { decision: AbDecision; reason: string } {
  const { metric, alpha, minSamples, maxSamples, champion, challenger } = input;
  const smaller = Math.min(champion.n, challenger.n);
  if (smaller < minSamples) {
    return {
      decision: 'running',
      reason: `each arm needs ${minSamples} labelled samples (champion ${champion.n}, challenger ${challenger.n})`,
    };
  }
  const challengerBetter = metric === 'accuracy' ? difference > 0 : difference < 0;
  const what = `${metric} difference ${fmt(difference)}${metric === 'rmse' ? ' in mean squared error' : ''}`;
  if (pValue < alpha && difference !== 0) {
    return challengerBetter
      ? {
          decision: 'promote_challenger',
          reason: `challenger better: ${what}, always-valid p=${fmt(pValue)} < alpha=${alpha} (mSPRT)`,
        }
      : {
          decision: 'keep_champion',
          reason: `champion better: ${what}, always-valid p=${fmt(pValue)} < alpha=${alpha} (mSPRT)`,
        };
  }
  if (smaller >= maxSamples) {
    return {
      decision: 'no_difference',
      reason: `planned horizon of ${maxSamples} samples per arm reached without significance (always-valid p=${fmt(pValue)} >= alpha=${alpha})`,
    };
  }
  return {
    decision: 'running',
    reason: `not significant yet (always-valid p=${fmt(pValue)}, alpha=${alpha})`,
  };
}
