/**
 * Seeded pseudo-random numbers. Every random choice in Cirrus (splits, folds, bootstraps,
 * initial weights) draws from one of these, built from an explicit, recorded seed.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
}

/** mulberry32: a small, fast 32-bit generator; good enough for sampling, not for cryptography. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded generator with integer and normal draws (Box-Muller, caching the spare value). */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  let spare: number | undefined;
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal() {
      if (spare !== undefined) {
        const s = spare;
        spare = undefined;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const r = Math.sqrt(-2 * Math.log(u));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return r * Math.cos(theta);
    },
  };
}

/** Fisher-Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(items: T, rng: Rng): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** A child seed derived from a parent seed and a stream number (e.g. fold or repeat index). */
export function deriveSeed(seed: number, stream: number): number {
  const next = mulberry32((seed ^ Math.imul(stream + 1, 0x9e3779b1)) >>> 0);
  return Math.floor(next() * 2 ** 31);
}
