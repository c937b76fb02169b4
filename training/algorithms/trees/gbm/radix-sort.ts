/**
 * Stable ascending order of float32 values (no NaN) by LSD radix sort on their bits, four
 * 8-bit passes. Binning orders every feature column once per fit: `Float32Array#sort` plus a
 * binary search per cell was a visible share of a fit (bench/gbm.ts); this order gives both the
 * sorted values and each row's bin in one walk. -0 sorts before +0.
 */
export function sortedOrder(values: Float32Array): Uint32Array {
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
  const counts = new Int32Array(256);
  radixPass(keys, order, keys2, order2, 0, counts);
  radixPass(keys2, order2, keys, order, 8, counts);
  radixPass(keys, order, keys2, order2, 16, counts);
  radixPass(keys2, order2, keys, order, 24, counts);
  return order;
}

/** One stable counting-sort pass on key byte `shift / 8`, from (keys, order) into (k2, o2). */
function radixPass(
  keys: Uint32Array,
  order: Uint32Array,
  k2: Uint32Array,
  o2: Uint32Array,
  shift: number,
  counts: Int32Array,
): void {
  const n = keys.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[(keys[i] >>> shift) & 255]++;
  let sum = 0;
  for (let b = 0; b < 256; b++) {
    const c = counts[b];
    counts[b] = sum;
    sum += c;
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    const at = counts[(k >>> shift) & 255]++;
    k2[at] = k;
    o2[at] = order[i];
  }
}
