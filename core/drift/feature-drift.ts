import type {
  CategoricalProfile,
  Distribution,
  DriftThresholds,
  FeatureDrift,
  NumericProfile,
  StatTestName,
} from '../../contracts/drift.js';
import type { CategoryCounter } from './sketches/categorical-profile.js';
import type { NumericWindow } from './sketches/numeric-window.js';
import {
  chiSquareDrift,
  jensenShannonDistance,
  populationStabilityIndex,
  proportionZTest,
} from './stats/categorical.js';
import { hasPValue, LOW_CARDINALITY, selectTest } from './stats/select-test.js';
import { normalizedWasserstein } from './stats/wasserstein.js';

/** Reference and current counts over the union of their categories (`keys`, sorted). */
interface AlignedCounts {
  readonly keys: string[];
  readonly ref: number[];
  readonly cur: number[];
}

type Verdict = Pick<FeatureDrift, 'test' | 'statistic' | 'pValue' | 'threshold' | 'drifted'>;

function align(ref: ReadonlyMap<string, number>, cur: ReadonlyMap<string, number>): AlignedCounts {
  const keys = [...new Set([...ref.keys(), ...cur.keys()])].sort();
  return { keys, ref: keys.map((k) => ref.get(k) ?? 0), cur: keys.map((k) => cur.get(k) ?? 0) };
}

const OTHER = '\u0000other';

/** The aligned counts as the report keeps them (the lumped category is labelled `other`). */
function valuesDistribution(counts: AlignedCounts): Distribution {
  return {
    kind: 'values',
    labels: counts.keys.map((k) => (k === OTHER ? 'other' : k)),
    reference: counts.ref,
    current: counts.cur,
  };
}

function verdict(
  test: StatTestName,
  statistic: number,
  pValue: number | null,
  thresholds: DriftThresholds,
): Verdict {
  const threshold = thresholds[test];
  const drifted = hasPValue(test) ? (pValue ?? 1) < threshold : statistic >= threshold;
  return { test, statistic, pValue, threshold, drifted };
}

/** Chi-square or z (small reference) or Jensen-Shannon (large) on aligned counts. */
function categoricalVerdict(counts: AlignedCounts, test: StatTestName, thresholds: DriftThresholds): Verdict {
  if (test === 'jensenshannon')
    return verdict(test, jensenShannonDistance(counts.ref, counts.cur), null, thresholds);
  if (test === 'z') {
    const refTotal = counts.ref.reduce((a, b) => a + b, 0);
    const curTotal = counts.cur.reduce((a, b) => a + b, 0);
    const z = proportionZTest(counts.ref[0] ?? 0, refTotal, counts.cur[0] ?? 0, curTotal);
    return verdict(test, z.statistic, z.pValue, thresholds);
  }
  const chi = chiSquareDrift(counts.ref, counts.cur);
  return verdict('chisquare', chi.statistic, chi.pValue, thresholds);
}

/**
 * A feature with no value in the window (every row missing it) has nothing to test: one answer
 * for every test family, "all missing" — statistic 0, no p-value, PSI 0 — drifted when the
 * reference had values (the feature vanished from the traffic). Before, Jensen-Shannon read two
 * empty histograms as distance 0.589 (drift) while KS, chi-square and z answered p = 1.
 */
function allMissingDrift(
  profile: NumericProfile | CategoricalProfile,
  type: FeatureDrift['type'],
  test: StatTestName,
  window: { readonly count: number; readonly missingRate: number },
  thresholds: DriftThresholds,
): FeatureDrift {
  return {
    name: profile.name,
    type,
    test,
    statistic: 0,
    pValue: null,
    threshold: thresholds[test],
    drifted: profile.count > 0,
    allMissing: true,
    psi: 0,
    psiDrifted: false,
    reference: { count: profile.count, missingRate: profile.missingRate },
    current: { count: window.count, missingRate: window.missingRate },
  };
}

function psiVerdict(psi: number, thresholds: DriftThresholds): Pick<FeatureDrift, 'psi' | 'psiDrifted'> {
  return { psi: Math.max(0, psi), psiDrifted: psi >= thresholds.psi };
}

function numberKeyed(counts: ReadonlyMap<number, number>): Map<string, number> {
  return new Map([...counts].map(([value, n]) => [String(value), n]));
}

/** Evidently's rule for one numeric feature; PSI on value counts when few values, else on the deciles. */
export function numericFeatureDrift(
  profile: NumericProfile,
  window: NumericWindow,
  referenceRows: number,
  thresholds: DriftThresholds,
): FeatureDrift {
  const refValues = profile.valueCounts ? new Map(Object.entries(profile.valueCounts)) : undefined;
  const curValues = window.valueCounts ? numberKeyed(window.valueCounts) : undefined;
  const counts = refValues && curValues ? align(refValues, curValues) : undefined;
  // Without both value maps there are more than 20 distinct values: certainly above 5.
  const distinctCombined = counts ? counts.ref.length : LOW_CARDINALITY + 1;
  const test = selectTest({ type: 'numeric', referenceRows, distinctCombined });
  if (window.count === 0) return allMissingDrift(profile, 'numeric', test, window, thresholds);
  let result: Verdict;
  if (test === 'ks' && window.ks) {
    const ks = window.ks.result();
    result = verdict('ks', ks.statistic, ks.pValue, thresholds);
  } else if (test === 'wasserstein' && window.reservoir) {
    const distance = normalizedWasserstein(
      Float64Array.from(profile.sample.values).sort(),
      window.reservoir.sorted(),
      profile.std,
    );
    result = verdict('wasserstein', distance, null, thresholds);
  } else if (counts) {
    result = categoricalVerdict(counts, test, thresholds);
  } else {
    throw new Error(`no sketch kept for test '${test}' of feature '${profile.name}'`);
  }
  const distribution: Distribution = counts
    ? valuesDistribution(counts)
    : {
        kind: 'histogram',
        edges: profile.histogram.edges,
        reference: profile.histogram.counts,
        current: window.histogram(),
      };
  return {
    name: profile.name,
    type: 'numeric',
    ...result,
    ...psiVerdict(populationStabilityIndex(distribution.reference, distribution.current), thresholds),
    reference: { count: profile.count, missingRate: profile.missingRate },
    current: { count: window.count, missingRate: window.missingRate },
    distribution,
  };
}

function withOther(counts: ReadonlyMap<string, number>, other: number): Map<string, number> {
  const all = new Map(counts);
  // A key no real category can collide with: lumped values beyond the category cap.
  if (other > 0) all.set(OTHER, other);
  return all;
}

/** Evidently's rule for one categorical feature (or the predicted labels). */
export function categoricalFeatureDrift(
  profile: CategoricalProfile,
  window: CategoryCounter,
  referenceRows: number,
  thresholds: DriftThresholds,
): FeatureDrift {
  const counts = align(
    withOther(new Map(Object.entries(profile.frequencies)), profile.otherCount),
    withOther(window.counts, window.other),
  );
  const test = selectTest({ type: 'categorical', referenceRows, distinctCombined: counts.ref.length });
  if (window.count === 0) return allMissingDrift(profile, 'categorical', test, window, thresholds);
  return {
    name: profile.name,
    type: 'categorical',
    ...categoricalVerdict(counts, test, thresholds),
    ...psiVerdict(populationStabilityIndex(counts.ref, counts.cur), thresholds),
    reference: { count: profile.count, missingRate: profile.missingRate },
    current: { count: window.count, missingRate: window.missingRate },
    distribution: valuesDistribution(counts),
  };
}
