/**
 * Lower-bound search in a fixed ascending array, accelerated by a bucket table: the hot loop of
 * the streaming KS test does one search per logged value, and a plain binary search over ~1000
 * values costs ten unpredictable branches. Values map to one of B equal-width buckets with the
 * same monotone function used to build the table, so the answer is always inside its bucket's
 * range and the result is exact whatever the floating-point rounding.
 */
export class SortedSearch {
  private readonly start: Int32Array;
  private readonly first: number;
  private readonly scale: number;
  private readonly buckets: number;

  constructor(private readonly sorted: Float64Array) {
    const n = sorted.length;
    this.buckets = Math.max(1, 4 * n);
    this.first = n > 0 ? sorted[0] : 0;
    const span = n > 0 ? sorted[n - 1] - this.first : 0;
    this.scale = span > 0 ? this.buckets / span : 0;
    // start[b] = first index whose bucket is >= b; start[buckets] = n.
    this.start = new Int32Array(this.buckets + 1);
    let i = 0;
    for (let b = 0; b <= this.buckets; b++) {
      while (i < n && this.bucketOf(sorted[i]) < b) i++;
      this.start[b] = i;
    }
  }

  private bucketOf(value: number): number {
    const b = Math.floor((value - this.first) * this.scale);
    return b < 0 ? 0 : b > this.buckets ? this.buckets : b;
  }

  /** The first index i with sorted[i] >= value (sorted.length when none). */
  lowerBound(value: number): number {
    const sorted = this.sorted;
    const n = sorted.length;
    if (n === 0 || value <= this.first) return 0;
    if (value > sorted[n - 1]) return n;
    const b = this.bucketOf(value);
    let i = this.start[b];
    const end = b < this.buckets ? this.start[b + 1] : n;
    while (i < end && sorted[i] < value) i++;
    return i;
  }
}
