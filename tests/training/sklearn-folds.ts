import type { Fold } from '../../core/ml/cv.js';

/**
 * The reference's folds, exactly: scikit-learn's RepeatedKFold / RepeatedStratifiedKFold
 * (5 splits, shuffled, random_state=0) draw from numpy's legacy RandomState (MT19937), so a
 * port of that generator and of the two fold rules reproduces the very rows the reference
 * scored. Comparing on the same folds removes fold-to-fold noise (on diabetes one 5-fold
 * repeat of the same model swings by +-0.03 R2), leaving only the models' differences.
 */
class Mt19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's random_interval: a uniform integer in [0, max] by masked rejection. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    for (const s of [1, 2, 4, 8, 16]) mask |= mask >>> s;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** RandomState.shuffle of a 1-D array (Fisher-Yates from the end). */
  shuffle(a: Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}

function foldsFromAssignment(testFold: Int32Array, k: number): Fold[] {
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    testFold.forEach((a, i) => (a === f ? test : train).push(i));
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}

/** RepeatedKFold(n_splits=k, n_repeats, random_state=seed). */
export function sklearnRepeatedKFold(n: number, k: number, repeats: number, seed: number): Fold[] {
  const rng = new Mt19937(seed);
  const out: Fold[] = [];
  for (let r = 0; r < repeats; r++) {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    rng.shuffle(idx);
    const assignment = new Int32Array(n);
    let pos = 0;
    for (let f = 0; f < k; f++) {
      const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
      for (let i = 0; i < size; i++) assignment[idx[pos++]] = f;
    }
    out.push(...foldsFromAssignment(assignment, k));
  }
  return out;
}

/** RepeatedStratifiedKFold(n_splits=k, n_repeats, random_state=seed), scikit-learn >= 0.22 rule. */
export function sklearnRepeatedStratifiedKFold(
  labels: ArrayLike<number>,
  k: number,
  repeats: number,
  seed: number,
): Fold[] {
  const n = labels.length;
  // Classes are numbered by first appearance, as scikit-learn encodes them.
  const code = new Map<number, number>();
  const encoded = Int32Array.from({ length: n }, (_, i) => {
    if (!code.has(labels[i])) code.set(labels[i], code.size);
    return code.get(labels[i]) ?? 0;
  });
  const nClasses = code.size;
  const sorted = Int32Array.from(encoded).sort();
  // allocation[f][c]: rows of class c in test fold f, dealt round robin over the sorted labels.
  const allocation = Array.from({ length: k }, () => new Int32Array(nClasses));
  sorted.forEach((c, i) => allocation[i % k][c]++);
  const rng = new Mt19937(seed);
  const out: Fold[] = [];
  for (let r = 0; r < repeats; r++) {
    const testFold = new Int32Array(n);
    for (let c = 0; c < nClasses; c++) {
      const folds: number[] = [];
      for (let f = 0; f < k; f++) for (let j = 0; j < allocation[f][c]; j++) folds.push(f);
      const block = Int32Array.from(folds);
      rng.shuffle(block);
      let pos = 0;
      for (let i = 0; i < n; i++) if (encoded[i] === c) testFold[i] = block[pos++];
    }
    out.push(...foldsFromAssignment(testFold, k));
  }
  return out;
}
