import { describe, expect, it } from 'vitest';
import { ksAsymptoticPValue, ksExactPValue, ksPValue, ksTwoSample } from '../../core/drift/stats/index.js';

/**
 * An independent oracle: count, with exact big integers, the lattice paths from (0, 0) to (m, n)
 * that stay strictly inside |n·x - m·y| < h·g (i.e. |x/m - y/n| < h / lcm); P(D >= h/lcm) is
 * one minus their share of all C(m + n, n) paths.
 */
function bruteForcePValue(d: number, n: number, m: number): number {
  let g = n;
  for (let b = m; b; ) [g, b] = [b, g % b];
  const lcm = (n / g) * m;
  const h = Math.round(d * lcm);
  const inside = (x: number, y: number) => Math.abs(n * x - m * y) < h * g;
  let column: bigint[] = Array.from({ length: n + 1 }, (_, y) => (inside(0, y) && y === 0 ? 1n : 0n));
  for (let y = 1; y <= n; y++) column[y] = inside(0, y) ? column[y - 1] : 0n;
  for (let x = 1; x <= m; x++) {
    const next: bigint[] = new Array(n + 1).fill(0n);
    for (let y = 0; y <= n; y++) {
      if (!inside(x, y)) continue;
      next[y] = column[y] + (y > 0 ? next[y - 1] : 0n);
    }
    column = next;
  }
  let total = 1n;
  for (let i = 1; i <= n; i++) total = (total * BigInt(m + i)) / BigInt(i);
  // 1 - inside/total with 1e-15 resolution.
  const scale = 10n ** 15n;
  return Number(scale - (column[n] * scale) / total) / 1e15;
}

describe('exact two-sample KS p-value', () => {
  it('matches the big-integer path count, equal and unequal sizes', () => {
    for (const [n, m] of [
      [5, 5],
      [20, 20],
      [7, 11],
      [30, 45],
      [13, 40],
      [60, 17],
    ]) {
      for (let h = 1; h <= 6; h++) {
        const d = Math.min(1, (h * 3) / Math.max(n, m) / 2);
        expect(ksExactPValue(d, n, m)).toBeCloseTo(bruteForcePValue(d, n, m), 12);
      }
    }
  });

  it('gives the exact p the issue names for D = 0.19 at n = m = 100 (not drift at 0.05)', () => {
    // C(200, 100 - 19 k) alternating sum: 0.05390 (the asymptotic formula gave 0.047).
    expect(ksPValue(0.19, 100, 100)).toBeCloseTo(0.0539, 4);
    expect(ksPValue(0.19, 100, 100)).toBeGreaterThan(0.05);
    expect(ksAsymptoticPValue(0.19, 100, 100)).toBeLessThan(0.05);
  });

  it('is used by ksTwoSample for small samples, and 1 for identical samples', () => {
    const a = Array.from({ length: 40 }, (_, i) => i);
    const b = Array.from({ length: 25 }, (_, i) => i * 1.3 + 5);
    const r = ksTwoSample(a, b);
    expect(r.pValue).toBeCloseTo(bruteForcePValue(r.statistic, 40, 25), 12);
    expect(ksTwoSample(a, a).pValue).toBe(1);
  });

  it('states the asymptotic form’s accuracy where scipy stops being exact (10,000 values)', () => {
    let worst = 0;
    for (const [n, m] of [
      [10_000, 10_000],
      [1_000, 10_000],
    ]) {
      for (const d of [0.01, 0.015, 0.02, 0.03, 0.045]) {
        worst = Math.max(worst, Math.abs(ksExactPValue(d, n, m)! - ksAsymptoticPValue(d, n, m)));
      }
    }
    console.log(`max |exact - asymptotic| at 10,000 values: ${worst.toExponential(2)}`);
    // The figure ksPValue's comment states.
    expect(worst).toBeLessThan(5e-3);
  });
});
