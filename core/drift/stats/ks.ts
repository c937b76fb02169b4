import { ksExactPValue } from './ks-exact.js';
import { SortedSearch } from './sorted-search.js';
import { kolmogorovSf } from './special.js';

export interface KsResult {
  /** D = sup |F_ref(x) - F_cur(x)|. */
  readonly statistic: number;
  readonly pValue: number;
}

/** scipy's ks_2samp (method='auto') is exact when the larger sample has at most this many values. */
export const KS_EXACT_MAX = 10_000;

/**
 * Two-sided p-value of a two-sample KS statistic, as scipy.stats.ks_2samp with method='auto':
 * the exact distribution when max(n, m) <= 10,000 (ks-exact.ts), otherwise the asymptotic
 * Kolmogorov distribution with Stephens' correction, Q_KS((√en + 0.12 + 0.11/√en)·D),
 * en = n·m/(n+m). Above 10,000 scipy evaluates `kstwo.sf(D, round(en))` instead; at
 * 10,000 values Stephens' form is within 3e-3 of the exact p (measured at n = m = 10,000 and
 * n = 1,000, m = 10,000; tests/drift/ks-exact.test.ts), so above it expect that accuracy.
 */
export function ksPValue(statistic: number, n: number, m: number): number {
  if (n <= 0 || m <= 0) return 1;
  if (Math.max(n, m) <= KS_EXACT_MAX) {
    const exact = ksExactPValue(statistic, n, m);
    if (exact !== undefined) return exact;
  }
  return ksAsymptoticPValue(statistic, n, m);
}

/** Stephens' asymptotic approximation (Numerical Recipes' `kstwo`; scipy's up to 1.2). */
export function ksAsymptoticPValue(statistic: number, n: number, m: number): number {
  const en = Math.sqrt((n * m) / (n + m));
  return kolmogorovSf((en + 0.12 + 0.11 / en) * statistic);
}

/** Two-sample KS test of two ascending-sorted samples (merge walk, ties handled as scipy). */
export function ksTwoSample(sortedA: ArrayLike<number>, sortedB: ArrayLike<number>): KsResult {
  const n = sortedA.length;
  const m = sortedB.length;
  if (n === 0 || m === 0) return { statistic: 0, pValue: 1 };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    // Step past every copy of the smaller value in both samples before comparing the ECDFs.
    const x = Math.min(sortedA[i], sortedB[j]);
    while (i < n && sortedA[i] === x) i++;
    while (j < m && sortedB[j] === x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return { statistic: d, pValue: ksPValue(d, n, m) };
}

/**
 * KS against a fixed reference, streamed: the current sample is never stored. The ECDF of the
 * current data only has to be known at the reference's distinct values (and just below them) for
 * the supremum to be exact, so each value lands in one of 2k+1 slots: "equal to u[i]" or
 * "strictly between u[i-1] and u[i]". Memory is O(reference), time O(1) per value on average (SortedSearch).
 */
export class StreamingKs {
  private readonly unique: Float64Array;
  private readonly search: SortedSearch;
  /** Reference ECDF at each distinct value. */
  private readonly refCdf: Float64Array;
  private readonly equal: Float64Array;
  private readonly between: Float64Array;
  private readonly refCount: number;
  private total = 0;

  constructor(sortedReference: ArrayLike<number>) {
    const values: number[] = [];
    const cdf: number[] = [];
    const n = sortedReference.length;
    for (let i = 0; i < n; i++) {
      if (values.length > 0 && values[values.length - 1] === sortedReference[i])
        cdf[cdf.length - 1] = (i + 1) / n;
      else {
        values.push(sortedReference[i]);
        cdf.push((i + 1) / n);
      }
    }
    this.unique = Float64Array.from(values);
    this.search = new SortedSearch(this.unique);
    this.refCdf = Float64Array.from(cdf);
    this.equal = new Float64Array(values.length);
    this.between = new Float64Array(values.length + 1);
    this.refCount = n;
  }

  add(value: number): void {
    const u = this.unique;
    const lo = this.search.lowerBound(value);
    if (lo < u.length && u[lo] === value) this.equal[lo]++;
    else this.between[lo]++;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  result(): KsResult {
    const m = this.total;
    if (m === 0 || this.refCount === 0) return { statistic: 0, pValue: 1 };
    let below = 0;
    let d = 0;
    let refBefore = 0;
    for (let i = 0; i < this.unique.length; i++) {
      below += this.between[i];
      // Just below u[i]: F_ref is still its value at u[i-1]; at u[i] both ECDFs jump.
      d = Math.max(d, Math.abs(refBefore - below / m));
      below += this.equal[i];
      d = Math.max(d, Math.abs(this.refCdf[i] - below / m));
      refBefore = this.refCdf[i];
    }
    return { statistic: d, pValue: ksPValue(d, this.refCount, m) };
  }

  /**
   * Counts of the streamed values in the bins `(edges[j-1], edges[j]]` (open at both ends), read
   * off the slots for free when every edge is one of the reference's values; undefined otherwise.
   */
  binCounts(edges: readonly number[]): number[] | undefined {
    const counts: number[] = [];
    let slot = 0;
    let below = 0;
    let previous = 0;
    for (const edge of edges) {
      const index = this.search.lowerBound(edge);
      if (index >= this.unique.length || this.unique[index] !== edge) return undefined;
      for (; slot <= index; slot++) below += this.between[slot] + this.equal[slot];
      counts.push(below - previous);
      previous = below;
    }
    counts.push(this.total - previous);
    return counts;
  }
}
