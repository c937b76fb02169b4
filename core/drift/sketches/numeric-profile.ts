import type { Histogram, NumericProfile } from '../../../contracts/drift.js';
import { Reservoir } from './reservoir.js';
import { binIndex, quantileSorted, toNumber } from './values.js';

/** Reported quantile levels. */
export const QUANTILE_LEVELS = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
/** Deciles: the classic PSI binning, on which the 0.1 / 0.25 rules of thumb were calibrated. */
export const HISTOGRAM_LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** Up to this many distinct values, exact value counts are kept (Evidently's PSI switch). */
export const VALUE_COUNTS_CAP = 20;

export interface NumericProfileOptions {
  readonly seed: number;
  /** Reservoir size. @default 5000 */
  readonly sampleSize?: number;
  /** Distinct values are counted up to this. @default 1000 */
  readonly distinctCap?: number;
}

/** Streams one numeric column into its baseline profile (memory: the reservoir and small maps). */
export class NumericProfileBuilder {
  private readonly reservoir: Reservoir;
  private readonly distinct = new Set<number>();
  private readonly distinctCap: number;
  private valueCounts: Map<number, number> | undefined = new Map();
  private distinctCapped = false;
  private count = 0;
  private missing = 0;
  private mean = 0;
  private m2 = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  constructor(
    readonly name: string,
    private readonly options: NumericProfileOptions,
  ) {
    this.reservoir = new Reservoir(options.sampleSize ?? 5000, options.seed);
    this.distinctCap = options.distinctCap ?? 1000;
  }

  add(raw: unknown): void {
    const value = toNumber(raw);
    if (value === undefined) {
      this.missing++;
      return;
    }
    this.count++;
    // Welford: one pass, no catastrophic cancellation.
    const delta = value - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (value - this.mean);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.reservoir.add(value);
    this.trackDistinct(value);
  }

  /** `add` of values[0..n), in order (a loop of its own: the call site stays monomorphic). */
  addNumbers(values: ArrayLike<number>, n: number): void {
    for (let r = 0; r < n; r++) this.add(values[r]);
  }

  private trackDistinct(value: number): void {
    if (!this.distinctCapped && !this.distinct.has(value)) {
      if (this.distinct.size >= this.distinctCap) this.distinctCapped = true;
      else this.distinct.add(value);
    }
    if (this.valueCounts) {
      const seen = this.valueCounts.get(value);
      if (seen === undefined && this.valueCounts.size >= VALUE_COUNTS_CAP) this.valueCounts = undefined;
      else this.valueCounts.set(value, (seen ?? 0) + 1);
    }
  }

  finish(): NumericProfile {
    const sample = this.reservoir.sorted();
    const empty = this.count === 0;
    const total = this.count + this.missing;
    return {
      name: this.name,
      type: 'numeric',
      count: this.count,
      missing: this.missing,
      missingRate: total === 0 ? 0 : this.missing / total,
      distinctCount: this.distinct.size,
      distinctCapped: this.distinctCapped,
      mean: empty ? 0 : this.mean,
      std: empty ? 0 : Math.sqrt(this.m2 / this.count),
      min: empty ? 0 : this.min,
      max: empty ? 0 : this.max,
      quantiles: empty ? [] : QUANTILE_LEVELS.map((q) => ({ q, value: quantileSorted(sample, q) })),
      histogram: decileHistogram(sample, this.count),
      ...(this.valueCounts ? { valueCounts: countsRecord(this.valueCounts) } : {}),
      sample: { seed: this.options.seed, size: this.reservoir.capacity, values: Array.from(sample) },
    };
  }
}

function countsRecord(counts: Map<number, number>): Record<string, number> {
  const record: Record<string, number> = {};
  for (const [value, n] of [...counts].sort((a, b) => a[0] - b[0])) record[String(value)] = n;
  return record;
}

/**
 * Decile cut points of the sample, taken as sample values (numpy's `lower` method, so the window's
 * KS slots can yield the current histogram without binning each value), deduplicated for tied
 * data, and the count per bin. The counts
 * are exact when the reservoir holds every value; otherwise they are the sample's bin shares
 * scaled to the full count (a uniform sample estimates them without bias).
 */
export function decileHistogram(sortedSample: Float64Array, count: number): Histogram {
  if (sortedSample.length === 0) return { edges: [], counts: [0] };
  const last = sortedSample.length - 1;
  const edges = [...new Set(HISTOGRAM_LEVELS.map((q) => sortedSample[Math.floor(last * q)]))];
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of sortedSample) counts[binIndex(edges, value)]++;
  const scale = count / sortedSample.length;
  return { edges, counts: scale === 1 ? counts : counts.map((c) => c * scale) };
}
