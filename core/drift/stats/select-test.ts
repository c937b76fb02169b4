import type { StatTestName } from '../../../contracts/drift.js';

/** Evidently's switch between the small-reference tests and the distance measures. */
export const SMALL_REFERENCE_ROWS = 1000;
/** Numeric features with at most this many distinct values are tested as categories. */
export const LOW_CARDINALITY = 5;

export interface TestChoiceInput {
  readonly type: 'numeric' | 'categorical';
  /** Reference rows, missing values included (Evidently uses `reference_data.shape[0]`). */
  readonly referenceRows: number;
  /** Distinct non-missing values over reference and current together. */
  readonly distinctCombined: number;
}

/**
 * Evidently's default test for a column (`_get_default_stattest`): numeric with more than 5
 * distinct values → KS (reference <= 1000 rows) or normalized Wasserstein (above); otherwise →
 * chi-square, or the z-test when there are at most 2 values (small reference), or
 * Jensen-Shannon (large reference).
 */
export function selectTest({ type, referenceRows, distinctCombined }: TestChoiceInput): StatTestName {
  const small = referenceRows <= SMALL_REFERENCE_ROWS;
  if (type === 'numeric' && distinctCombined > LOW_CARDINALITY) return small ? 'ks' : 'wasserstein';
  if (!small) return 'jensenshannon';
  return distinctCombined > 2 ? 'chisquare' : 'z';
}

/** Hypothesis tests drift when p < threshold; distances when the statistic reaches it. */
export function hasPValue(test: StatTestName): boolean {
  return test === 'ks' || test === 'chisquare' || test === 'z';
}
