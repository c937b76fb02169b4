import type { NumericProfile } from '../../../contracts/drift.js';
import { StreamingKs } from '../stats/ks.js';
import { SMALL_REFERENCE_ROWS } from '../stats/select-test.js';
import { SortedSearch } from '../stats/sorted-search.js';
import { Reservoir } from './reservoir.js';
import { toNumber } from './values.js';

/** Current-window value counts are kept up to this many distinct values (low-cardinality tests, PSI). */
export const WINDOW_VALUE_CAP = 100;

export interface NumericWindowOptions {
  /** Reference rows: only the sketch the chosen test family needs is kept. */
  readonly referenceRows: number;
  readonly sampleSize: number;
  readonly seed: number;
}

/**
 * The current window of one numeric feature, in bounded memory: exact KS slots against the
 * reference sample (small references), or a reservoir sample (large references, for the
 * Wasserstein distance), counts on the baseline's histogram edges (PSI), and value counts while
 * the feature has few distinct values. With KS slots the histogram is read off them at the end
 * instead of binning every value: this loop runs once per feature per logged row.
 */
export class NumericWindow {
  readonly ks: StreamingKs | undefined;
  readonly reservoir: Reservoir | undefined;
  private readonly binned: Float64Array | undefined;
  private readonly edgeSearch: SortedSearch;
  valueCounts: Map<number, number> | undefined = new Map();
  count = 0;
  missing = 0;

  constructor(
    readonly profile: NumericProfile,
    options: NumericWindowOptions,
  ) {
    const edges = profile.histogram.edges;
    this.edgeSearch = new SortedSearch(Float64Array.from(edges));
    // Evidently: KS up to 1000 reference rows, Wasserstein above (stats/select-test.ts).
    if (options.referenceRows <= SMALL_REFERENCE_ROWS) {
      this.ks = new StreamingKs(Float64Array.from(profile.sample.values).sort());
      this.reservoir = undefined;
    } else {
      this.ks = undefined;
      this.reservoir = new Reservoir(options.sampleSize, options.seed);
    }
    const readable = this.ks?.binCounts(edges) !== undefined;
    this.binned = readable ? undefined : new Float64Array(edges.length + 1);
  }

  add(raw: unknown): void {
    const value = toNumber(raw);
    if (value === undefined) {
      this.missing++;
      return;
    }
    this.count++;
    if (this.ks) this.ks.add(value);
    else this.reservoir?.add(value);
    if (this.binned) this.binned[this.edgeSearch.lowerBound(value)]++;
    const counts = this.valueCounts;
    if (counts) {
      const seen = counts.get(value);
      if (seen !== undefined) counts.set(value, seen + 1);
      else if (counts.size < WINDOW_VALUE_CAP) counts.set(value, 1);
      else this.valueCounts = undefined;
    }
  }

  /** Current counts on the baseline histogram's bins. */
  histogram(): number[] {
    if (this.binned) return Array.from(this.binned);
    return this.ks?.binCounts(this.profile.histogram.edges) ?? [];
  }

  get missingRate(): number {
    const total = this.count + this.missing;
    return total === 0 ? 0 : this.missing / total;
  }
}
