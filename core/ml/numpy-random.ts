/**
 * numpy's legacy `RandomState` (MT19937), ported draw for draw: integer, uniform, normal and
 * shuffle draws from a seed equal numpy's (normals up to `Math.log` rounding), so code that
 * reproduces a scikit-learn reference (its folds, its generated datasets) sees the very rows
 * the reference saw. Not for Cirrus's own sampling: `createRng` in random.ts is faster.
 */
export class NumpyRandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;
  private gaussSpare = 0;
  private hasGauss = false;

  /** `RandomState(seed)` for an integer seed in [0, 2^32). */
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

  /** `random_sample()`: 53 random bits from two draws, uniform in [0, 1). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `uniform()` with numpy's defaults (low 0, high 1): the same draw as `random_sample()`. */
  uniform(): number {
    return this.nextDouble();
  }

  /** `standard_normal()`: legacy polar method, the second value of a pair kept for the next call. */
  standardNormal(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gaussSpare;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.nextDouble() - 1;
      x2 = 2 * this.nextDouble() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gaussSpare = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** numpy's random_interval: a uniform integer in [0, max] (max < 2^32) by masked rejection. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    for (const s of [1, 2, 4, 8, 16]) mask |= mask >>> s;
    let v: number;
    do v = (this.nextUint32() & mask) >>> 0;
    while (v > max);
    return v;
  }

  /** `randint(n)`: uniform in [0, n); legacy numpy masks and rejects exactly as `interval`. */
  randint(n: number): number {
    return this.interval(n - 1);
  }

  /** `shuffle` of a 1-D array (Fisher-Yates from the end, numpy's `_shuffle_raw`). */
  shuffle(a: Int32Array): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
