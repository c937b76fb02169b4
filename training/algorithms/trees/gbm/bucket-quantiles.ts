/**
 * Exact quantile edges and bin codes of one float32 column without sorting it: values are
 * counted by the top 16 bits of an order-preserving key (65,536 buckets), only the few
 * buckets that hold a wanted order statistic are gathered and sorted, and each value's code
 * comes from a per-bucket table. Same edges and codes as a full sort (tests/trees/binning.test.ts),
 * in three sequential passes.
 */

const BUCKET_BITS = 16;
const BUCKETS = 1 << BUCKET_BITS;

/**
 * Order-preserving int32 key of float32 bits (an involution): a negative's magnitude bits are
 * flipped, so keys compare as the floats do, with -0 < +0. Kept in int32 range for V8's fast paths.
 */
const keyOf = (bits: number): number => bits ^ ((bits >> 31) & 0x7fffffff);
/** A key's bucket, 0 .. BUCKETS - 1 in key order. */
const bucketOf = (key: number): number => (key >> BUCKET_BITS) + (BUCKETS >> 1);

/** Whether float32 bits are a NaN (the missing value). */
export const isNaNBits = (bits: number): boolean => (bits & 0x7fffffff) > 0x7f800000;

const scratchBits = new Uint32Array(1);
const scratchFloat = new Float32Array(scratchBits.buffer);

/** The float32 whose key is `key`. */
function floatOf(key: number): number {
  scratchBits[0] = keyOf(key);
  return scratchFloat[0];
}

/** Key of an edge for "edge < value" by key: -0 counts as +0, as float comparison does. */
function edgeKey(edge: number): number {
  scratchFloat[0] = edge === 0 ? 0 : edge;
  return keyOf(scratchBits[0]);
}

/** Buffers for binning columns of up to `rows` values, reused column after column. */
export class BucketQuantiles {
  private readonly counts = new Int32Array(BUCKETS);
  /** Per bucket: rank of its first value among the sorted values. */
  private readonly starts = new Int32Array(BUCKETS);
  /** Per wanted bucket: where its keys are gathered (-1: not wanted). */
  private readonly slots = new Int32Array(BUCKETS);
  private readonly gathered: Int32Array;
  private readonly spare: Int32Array;
  private readonly byteCounts = new Int32Array(256);
  /** Per bucket: edges below its smallest key; `mixed` when two or more edges fall inside it. */
  private readonly lower = new Uint8Array(BUCKETS);
  private readonly mixed = new Uint8Array(BUCKETS);
  private occupied = 0;

  constructor(rows: number) {
    this.gathered = new Int32Array(rows);
    this.spare = new Int32Array(rows);
  }

  /**
   * Counts the non-missing values of bits[base, base + n); returns how many there are. After it,
   * `manyDistinct(max)` tells whether the column surely holds more than `max` distinct values.
   */
  count(bits: Uint32Array, base: number, n: number): number {
    const { counts } = this;
    counts.fill(0);
    let m = 0;
    for (let i = base; i < base + n; i++) {
      const b = bits[i];
      if (isNaNBits(b)) continue;
      const k = keyOf(b);
      counts[bucketOf(k)]++;
      m++;
    }
    let occupied = 0;
    for (let B = 0; B < BUCKETS; B++) if (counts[B] > 0) occupied++;
    this.occupied = occupied;
    return m;
  }

  /** Distinct floats >= occupied buckets - 1 (-0 and +0 are equal floats in two buckets). */
  manyDistinct(max: number): boolean {
    return this.occupied - 1 > max;
  }

  /**
   * Makes the values of `ranks` (ascending ranks among the sorted non-missing values) readable
   * through `at`: gathers the keys of the buckets holding them (one pass) and sorts those.
   */
  prepare(bits: Uint32Array, base: number, n: number, ranks: readonly number[]): void {
    const { counts, starts, slots, gathered } = this;
    let rank = 0;
    for (let B = 0; B < BUCKETS; B++) {
      starts[B] = rank;
      rank += counts[B];
    }
    slots.fill(-1);
    let B = 0;
    let total = 0;
    for (const r of ranks) {
      while (starts[B] + counts[B] <= r) B++;
      if (slots[B] < 0) {
        slots[B] = total;
        total += counts[B];
      }
    }
    const fill = Int32Array.from(slots);
    for (let i = base; i < base + n; i++) {
      const b = bits[i];
      if (isNaNBits(b)) continue;
      const k = keyOf(b);
      const B = bucketOf(k);
      const at = fill[B];
      if (at >= 0) {
        gathered[at] = k;
        fill[B] = at + 1;
      }
    }
    this.sortGathered(total);
  }

  /**
   * Sorts each wanted bucket's keys (gathered in ascending bucket order): two stable counting
   * passes on the low 16 bits over all of them, then a stable pass back to their buckets.
   */
  private sortGathered(total: number): void {
    const g = this.gathered.subarray(0, total);
    const t = this.spare.subarray(0, total);
    const counts = this.byteCounts;
    for (const [from, to, shift] of [
      [g, t, 0],
      [t, g, 8],
    ] as const) {
      counts.fill(0);
      for (let i = 0; i < total; i++) counts[(from[i] >>> shift) & 255]++;
      for (let d = 0, sum = 0; d < 256; d++) [counts[d], sum] = [sum, sum + counts[d]];
      for (let i = 0; i < total; i++) to[counts[(from[i] >>> shift) & 255]++] = from[i];
    }
    const fill = Int32Array.from(this.slots);
    for (let i = 0; i < total; i++) t[fill[bucketOf(g[i])]++] = g[i];
    g.set(t);
  }

  /** The value of rank r among the sorted non-missing values (r among `prepare`'s ranks). */
  at(r: number): number {
    // The bucket holding rank r: the last one starting at or before it with values.
    let lo = 0;
    let hi = BUCKETS - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= r) lo = mid;
      else hi = mid - 1;
    }
    while (this.counts[lo] === 0) lo--;
    return floatOf(this.gathered[this.slots[lo] + r - this.starts[lo]]);
  }

  /**
   * codes[at + i * stride] = the number of edges below value i of bits[base, base + n)
   * (float32 comparison), or `missing` for NaN: the smallest b with value <= edges[b].
   */
  codes(
    bits: Uint32Array,
    base: number,
    n: number,
    edges: Float32Array,
    out: { codes: Uint8Array; at: number; stride: number; missing: number },
  ): void {
    const E = edges.length;
    // A sentinel above every key, so keys[lower] is always readable.
    const keys = new Int32Array(E + 1).fill(0x7fffffff);
    for (let e = 0; e < E; e++) keys[e] = edgeKey(edges[e]);
    const { lower, mixed } = this;
    let c = 0;
    for (let B = 0; B < BUCKETS; B++) {
      while (c < E && bucketOf(keys[c]) < B) c++;
      lower[B] = c;
      mixed[B] = c + 1 < E && bucketOf(keys[c + 1]) === B ? 1 : 0;
    }
    const { codes, at, stride, missing } = out;
    for (let i = 0; i < n; i++) {
      const b = bits[base + i];
      if (isNaNBits(b)) {
        codes[at + i * stride] = missing;
        continue;
      }
      const k = keyOf(b);
      const B = bucketOf(k);
      // At most one edge in the bucket: one comparison (0 when the next edge lies above it).
      let code = lower[B];
      code += keys[code] < k ? 1 : 0;
      if (mixed[B]) while (code < E && keys[code] < k) code++;
      codes[at + i * stride] = code;
    }
  }
}
