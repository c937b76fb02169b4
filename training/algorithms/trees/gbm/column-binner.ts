/** Bins one float32 column: writes its codes, returns its edges (see binning.ts: BinnedData). */
export type BinColumn = (
  values: Float32Array,
  base: number,
  maxBins: number,
  codes: Uint8Array,
  at: number,
) => Float32Array;

/** Edges and codes of a column of up to `rows` values (buffers reused column after column). */
export interface ColumnBinner {
  /**
   * Edges of values[base, base + rows) (sklearn's rule: quantiles with numpy's 'midpoint'
   * interpolation, or midpoints when it has at most maxBins distinct values); writes each
   * value's code (the smallest b with value <= edges[b], in float32; 255 for NaN) to
   * codes[at + r]. Columns with many distinct values are not sorted: values are counted by the
   * top 16 bits of an order-preserving key (65,536 buckets), only the buckets holding a wanted
   * order statistic are gathered and sorted, and codes come from a per-bucket table.
   */
  readonly bin: BinColumn;
  /** `bin`'s reference: the same from a full (radix) sort of the column. */
  readonly bySort: BinColumn;
}

/**
 * A ColumnBinner for columns of up to `rows` values. Self-contained (no outside names, helpers
 * as object methods, which bundlers leave unwrapped): a two-thread fit's worker runs its
 * source text on its share of the columns (see parallel.ts), so both threads bin alike.
 */
export function columnBinner(rows: number): ColumnBinner {
  const BUCKET_BITS = 16;
  const BUCKETS = 1 << BUCKET_BITS;
  const MISSING = 255;
  const counts = new Int32Array(BUCKETS);
  /** Per bucket: rank of its first value among the sorted values. */
  const starts = new Int32Array(BUCKETS);
  /** Per wanted bucket: where its keys are gathered (-1: not wanted). */
  const slots = new Int32Array(BUCKETS);
  const gathered = new Int32Array(rows);
  const spare = new Int32Array(rows);
  const byteCounts = new Int32Array(256);
  /** Per bucket: edges below its smallest key; `mixed` when two or more edges fall inside it. */
  const lower = new Uint8Array(BUCKETS);
  const mixed = new Uint8Array(BUCKETS);
  const scratchBits = new Uint32Array(1);
  const scratchFloat = new Float32Array(scratchBits.buffer);
  const m = {
    /**
     * Order-preserving int32 key of float32 bits (an involution): a negative's magnitude bits
     * are flipped, so keys compare as the floats do, with -0 < +0.
     */
    keyOf(bits: number): number {
      return bits ^ ((bits >> 31) & 0x7fffffff);
    },
    /** A key's bucket, 0 .. BUCKETS - 1 in key order. */
    bucketOf(key: number): number {
      return (key >> BUCKET_BITS) + (BUCKETS >> 1);
    },
    /** The float32 whose key is `key`. */
    floatOf(key: number): number {
      scratchBits[0] = m.keyOf(key);
      return scratchFloat[0];
    },
    /** Key of an edge for "edge < value" by key: -0 counts as +0, as float comparison does. */
    edgeKey(edge: number): number {
      scratchFloat[0] = edge === 0 ? 0 : edge;
      return m.keyOf(scratchBits[0]);
    },
    /** Float32 threshold t with a <= t < b for float32 values a < b. */
    between(a: number, b: number): number {
      const t = Math.fround(a / 2 + b / 2);
      return t >= b ? a : t;
    },

    /** Counts the non-missing values per bucket; returns how many there are and the occupied buckets. */
    count(bits: Uint32Array, base: number, n: number): [number, number] {
      counts.fill(0);
      let total = 0;
      for (let i = base; i < base + n; i++) {
        const b = bits[i];
        // Inlined in the hot loops: isNaNBits, keyOf, bucketOf.
        if ((b & 0x7fffffff) > 0x7f800000) continue;
        counts[((b ^ ((b >> 31) & 0x7fffffff)) >> BUCKET_BITS) + (BUCKETS >> 1)]++;
        total++;
      }
      let occupied = 0;
      for (let B = 0; B < BUCKETS; B++) if (counts[B] > 0) occupied++;
      return [total, occupied];
    },

    /**
     * Makes the values of `ranks` (ascending ranks among the sorted non-missing values)
     * readable through `at`: gathers the keys of the buckets holding them (one pass) and sorts those.
     */
    prepare(bits: Uint32Array, base: number, n: number, ranks: readonly number[]): void {
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
        if ((b & 0x7fffffff) > 0x7f800000) continue;
        const k = b ^ ((b >> 31) & 0x7fffffff);
        const B = (k >> BUCKET_BITS) + (BUCKETS >> 1);
        const at = fill[B];
        if (at >= 0) {
          gathered[at] = k;
          fill[B] = at + 1;
        }
      }
      m.sortGathered(total);
    },

    /**
     * Sorts each wanted bucket's keys (gathered in ascending bucket order): two stable counting
     * passes on the low 16 bits over all of them, then a stable pass back to their buckets.
     */
    sortGathered(total: number): void {
      const g = gathered.subarray(0, total);
      const t = spare.subarray(0, total);
      for (const [from, to, shift] of [
        [g, t, 0],
        [t, g, 8],
      ] as const) {
        byteCounts.fill(0);
        for (let i = 0; i < total; i++) byteCounts[(from[i] >>> shift) & 255]++;
        for (let d = 0, sum = 0; d < 256; d++) [byteCounts[d], sum] = [sum, sum + byteCounts[d]];
        for (let i = 0; i < total; i++) to[byteCounts[(from[i] >>> shift) & 255]++] = from[i];
      }
      const fill = Int32Array.from(slots);
      for (let i = 0; i < total; i++) t[fill[m.bucketOf(g[i])]++] = g[i];
      g.set(t);
    },

    /** The value of rank r among the sorted non-missing values (r among `prepare`'s ranks). */
    at(r: number): number {
      // The bucket holding rank r: the last one starting at or before it with values.
      let lo = 0;
      let hi = BUCKETS - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= r) lo = mid;
        else hi = mid - 1;
      }
      while (counts[lo] === 0) lo--;
      return m.floatOf(gathered[slots[lo] + r - starts[lo]]);
    },

    /** codes[at + i] = the code of value i of bits[base, base + n) (see ColumnBinner.bin). */
    bucketCodes(
      bits: Uint32Array,
      base: number,
      n: number,
      edges: Float32Array,
      codes: Uint8Array,
      at: number,
    ): void {
      const E = edges.length;
      // A sentinel above every key, so keys[lower] is always readable.
      const keys = new Int32Array(E + 1).fill(0x7fffffff);
      for (let e = 0; e < E; e++) keys[e] = m.edgeKey(edges[e]);
      let c = 0;
      for (let B = 0; B < BUCKETS; B++) {
        while (c < E && m.bucketOf(keys[c]) < B) c++;
        lower[B] = c;
        mixed[B] = c + 1 < E && m.bucketOf(keys[c + 1]) === B ? 1 : 0;
      }
      for (let i = 0; i < n; i++) {
        const b = bits[base + i];
        if ((b & 0x7fffffff) > 0x7f800000) {
          codes[at + i] = MISSING;
          continue;
        }
        const k = b ^ ((b >> 31) & 0x7fffffff);
        const B = (k >> BUCKET_BITS) + (BUCKETS >> 1);
        // At most one edge in the bucket: one comparison (0 when the next edge lies above it).
        let code = lower[B];
        code += keys[code] < k ? 1 : 0;
        if (mixed[B]) while (code < E && keys[code] < k) code++;
        codes[at + i] = code;
      }
    },

    /** The ranks `quantileEdges` reads among n sorted values, ascending. */
    quantileRanks(n: number, maxBins: number): number[] {
      const ranks = new Set<number>();
      for (let q = 1; q < maxBins; q++) {
        const pos = (q / maxBins) * (n - 1);
        ranks.add(Math.floor(pos)).add(Math.ceil(pos));
      }
      ranks.add(n - 1);
      return [...ranks].sort((a, b) => a - b);
    },

    /**
     * Quantiles at q / maxBins with numpy's 'midpoint' interpolation, deduplicated, of n sorted
     * values read through `at` (rank -> value), for columns with more than maxBins distinct values.
     */
    quantileEdges(at: (rank: number) => number, n: number, maxBins: number): Float32Array {
      const edges: number[] = [];
      for (let q = 1; q < maxBins; q++) {
        const pos = (q / maxBins) * (n - 1);
        const lo = at(Math.floor(pos));
        const hi = at(Math.ceil(pos));
        const e = lo === hi ? lo : m.between(lo, hi);
        if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
      }
      // A last edge at the maximum would leave the top bin empty.
      if (edges.length > 0 && edges[edges.length - 1] >= at(n - 1)) edges.pop();
      return Float32Array.from(edges);
    },

    /** Whether sorted values hold at most `max` distinct values (stops counting past it). */
    fewDistinct(sorted: Float32Array, max: number): boolean {
      let distinct = sorted.length > 0 ? 1 : 0;
      for (let i = 1; i < sorted.length && distinct <= max; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
      return distinct <= max;
    },

    /** Bin edges of one feature's sorted non-missing float32 values (sklearn's rule). */
    binEdges(sorted: Float32Array, maxBins: number): Float32Array {
      if (!m.fewDistinct(sorted, maxBins)) return m.quantileEdges((i) => sorted[i], sorted.length, maxBins);
      const edges: number[] = [];
      for (let i = 1; i < sorted.length; i++)
        if (sorted[i] !== sorted[i - 1]) edges.push(m.between(sorted[i - 1], sorted[i]));
      return Float32Array.from(edges);
    },

    /**
     * Stable ascending order of float32 values (no NaN) by LSD radix sort on their bits, four
     * 8-bit passes. -0 sorts before +0.
     */
    sortedOrder(values: Float32Array): Uint32Array {
      const n = values.length;
      const bits = new Uint32Array(values.buffer, values.byteOffset, n);
      const keys = new Uint32Array(n);
      const order = new Uint32Array(n);
      // Order-preserving key: flip every bit of negatives, only the sign bit of the rest.
      for (let i = 0; i < n; i++) {
        const b = bits[i];
        keys[i] = b & 0x80000000 ? ~b : b | 0x80000000;
        order[i] = i;
      }
      const keys2 = new Uint32Array(n);
      const order2 = new Uint32Array(n);
      m.radixPass(keys, order, keys2, order2, 0);
      m.radixPass(keys2, order2, keys, order, 8);
      m.radixPass(keys, order, keys2, order2, 16);
      m.radixPass(keys2, order2, keys, order, 24);
      return order;
    },

    /** One stable counting-sort pass on key byte `shift / 8`, from (keys, order) into (k2, o2). */
    radixPass(keys: Uint32Array, order: Uint32Array, k2: Uint32Array, o2: Uint32Array, shift: number): void {
      const n = keys.length;
      byteCounts.fill(0);
      for (let i = 0; i < n; i++) byteCounts[(keys[i] >>> shift) & 255]++;
      let sum = 0;
      for (let b = 0; b < 256; b++) {
        const c = byteCounts[b];
        byteCounts[b] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const k = keys[i];
        const at = byteCounts[(k >>> shift) & 255]++;
        k2[at] = k;
        o2[at] = order[i];
      }
    },

    /** ColumnBinner.bySort. */
    bySort(values: Float32Array, base: number, maxBins: number, codes: Uint8Array, at: number): Float32Array {
      const nonMissing = new Float32Array(rows);
      const rowOf = new Uint32Array(rows);
      let n = 0;
      for (let r = 0; r < rows; r++) {
        const v = values[base + r];
        if (Number.isNaN(v)) codes[at + r] = MISSING;
        else {
          nonMissing[n] = v;
          rowOf[n++] = r;
        }
      }
      const order = m.sortedOrder(nonMissing.subarray(0, n));
      const sorted = new Float32Array(n);
      for (let i = 0; i < n; i++) sorted[i] = nonMissing[order[i]];
      const e = m.binEdges(sorted, maxBins);
      // Code = smallest b with v <= e[b] (else e.length): one walk up the sorted values.
      let b = 0;
      for (let i = 0; i < n; i++) {
        while (b < e.length && sorted[i] > e[b]) b++;
        codes[at + rowOf[order[i]]] = b;
      }
      return e;
    },

    /** ColumnBinner.bin: bucketed when the column surely has more than maxBins distinct values. */
    bin(values: Float32Array, base: number, maxBins: number, codes: Uint8Array, at: number): Float32Array {
      const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
      const [n, occupied] = m.count(bits, base, rows);
      // Distinct floats >= occupied buckets - 1 (-0 and +0 are equal floats in two buckets).
      if (occupied - 1 <= maxBins) return m.bySort(values, base, maxBins, codes, at);
      m.prepare(bits, base, rows, m.quantileRanks(n, maxBins));
      const e = m.quantileEdges((r) => m.at(r), n, maxBins);
      m.bucketCodes(bits, base, rows, e, codes, at);
      return e;
    },
  };
  return { bin: m.bin, bySort: m.bySort };
}
