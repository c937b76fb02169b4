import type { FeatureDrift, PerformanceDrift } from '../../contracts/drift.js';
import { hasPValue } from './stats/select-test.js';

/**
 * The report-level rule. Features and the prediction are one family of `k` signals; each
 * hypothesis test fires at p < threshold / k (Bonferroni), so on identical windows the report
 * fires no more often than the tests' alpha, whatever k — where "share >= 0.5, or prediction
 * drift" fired on 9.5-12.5% of them with 1-2 features. Distances (Wasserstein, Jensen-Shannon)
 * carry no alpha: they fire at their threshold (their A/A rates are measured in tests/drift).
 * A feature missing in every current row fires; performance fires beyond its tolerance.
 */
export interface ReportDecision {
  readonly driftDetected: boolean;
  readonly rule: string;
  readonly detectedBy: string[];
}

const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toPrecision(3) : x.toExponential(2));

function firing(signal: FeatureDrift, label: string, k: number): string | undefined {
  if (signal.allMissing) return signal.drifted ? `${label}: all missing in the window` : undefined;
  if (hasPValue(signal.test)) {
    const level = signal.threshold / k;
    const p = signal.pValue ?? 1;
    return p < level
      ? `${label}: ${signal.test} p=${fmt(p)} < ${fmt(level)} (${signal.threshold} / ${k} signals)`
      : undefined;
  }
  return signal.drifted
    ? `${label}: ${signal.test} ${fmt(signal.statistic)} >= ${signal.threshold}`
    : undefined;
}

export function decideReport(
  features: readonly FeatureDrift[],
  prediction: FeatureDrift | null,
  performance: PerformanceDrift | null,
): ReportDecision {
  // No prediction signal when the rows carry none (a batch job's input).
  const k = features.length + (prediction ? 1 : 0);
  const detectedBy = [
    ...features.map((f) => firing(f, `feature '${f.name}'`, k)),
    prediction ? firing(prediction, 'prediction', k) : undefined,
  ].filter((s): s is string => s !== undefined);
  if (performance?.drifted && performance.current !== null) {
    const worse = performance.metric === 'accuracy' ? '<' : '>';
    detectedBy.push(
      `performance: ${performance.metric} ${fmt(performance.current)} ${worse} baseline ${fmt(performance.baseline)} beyond tolerance ${performance.tolerance}`,
    );
  }
  const rule =
    `any of ${k} signals (${features.length} feature${features.length === 1 ? '' : 's'}${prediction ? ' + prediction' : ''}) ` +
    `with Bonferroni: a test fires at p < threshold / ${k}, a distance at its threshold (no alpha); ` +
    'or performance beyond tolerance';
  return { driftDetected: detectedBy.length > 0, rule, detectedBy };
}
