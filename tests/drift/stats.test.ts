import { describe, expect, it } from 'vitest';
import {
  chiSquareDrift,
  chiSquareSf,
  chiSquareTest,
  fillZeroes,
  gammaP,
  gammaQ,
  jensenShannonDistance,
  kolmogorovSf,
  ksAsymptoticPValue,
  ksExactPValue,
  ksTwoSample,
  lnGamma,
  normalizedWasserstein,
  normalSf,
  populationStabilityIndex,
  proportionZTest,
  SortedSearch,
  StreamingKs,
  selectTest,
  wassersteinDistance,
} from '../../core/drift/stats/index.js';

// Oracles: "py" values come from tests/drift/fixtures/oracles.py (python3 stdlib, computed by
// another route: plain long series, brute-force ECDF grids, closed forms). "table" values are
// textbook critical values; "scipy docs" values are the examples printed in scipy's reference.
const A = [
  0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09,
  -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47,
];
const B = [
  2.2, 1.66, 1.38, 0.2, 0.36, 0.0, 0.96, 1.56, 0.44, 1.5, -0.3, 0.66, 2.31, 3.29, -0.27, 1.04, 0.1, 0.6, 1.0,
  0.66, 2.0, 1.0,
];
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('special functions', () => {
  it('matches Γ at integers and at 1/2', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 9); // ln(100!)
  });

  it('keeps P + Q = 1 on both sides of the series/continued-fraction switch', () => {
    for (const [a, x] of [
      [2.5, 1],
      [2.5, 4],
      [10, 9],
      [10, 12],
      [0.5, 0.01],
    ]) {
      expect(gammaP(a, x) + gammaQ(a, x)).toBeCloseTo(1, 14);
    }
  });

  it('gives the normal tail at the textbook critical values (table)', () => {
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 12);
    expect(normalSf(2.5758293035489)).toBeCloseTo(0.005, 12);
    expect(normalSf(-1)).toBeCloseTo(0.8413447460685429, 12);
    expect(normalSf(8)).toBeCloseTo(6.22096057427178e-16, 25);
  });

  it('gives chi-square tails (table critical values and py closed forms)', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12); // table: χ²(1) at 5%
    expect(chiSquareSf(5.991464547107979, 2)).toBeCloseTo(0.05, 12); // table: χ²(2) at 5%
    expect(chiSquareSf(18.307038053275146, 10)).toBeCloseTo(0.05, 11); // table: χ²(10) at 5%
    expect(chiSquareSf(10, 4)).toBeCloseTo(0.0404276819945128, 12); // py
    expect(chiSquareSf(25, 10)).toBeCloseTo(0.005345505487134064, 12); // py
  });

  it('gives the Kolmogorov tail (table: 1.3581 at 5%, 1.6276 at 1%; py series)', () => {
    expect(kolmogorovSf(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSf(1.6276)).toBeCloseTo(0.01, 4);
    for (const [lambda, expected] of [
      [0.5, 0.9639452436648751],
      [0.8, 0.5441424115741981],
      [1.0, 0.26999967167735456],
      [1.2, 0.11224966667072496],
      [2.0, 0.0006709252557796953],
    ]) {
      expect(kolmogorovSf(lambda)).toBeCloseTo(expected, 10);
    }
  });
});

describe('ksTwoSample', () => {
  it('matches a brute-force ECDF supremum; p is exact, the Stephens-corrected form as before (py)', () => {
    const result = ksTwoSample(sorted(A), sorted(B));
    expect(result.statistic).toBeCloseTo(0.3563636363636363, 12);
    expect(ksAsymptoticPValue(result.statistic, A.length, B.length)).toBeCloseTo(0.07812689175408848, 10);
    // Small samples: the exact distribution, as scipy's ks_2samp(method='auto') (tests/drift/ks-exact.test.ts).
    expect(result.pValue).toBe(ksExactPValue(result.statistic, A.length, B.length));
  });

  it('steps over ties in both samples together (py: 0.25)', () => {
    expect(ksTwoSample([1, 2, 2, 3, 3, 3], [2, 3, 3, 4]).statistic).toBeCloseTo(0.25, 12);
  });

  it('gives D = 1 and a tiny p for disjoint samples', () => {
    const result = ksTwoSample([1, 2, 3, 4, 5, 6, 7, 8], [10, 11, 12, 13, 14, 15, 16, 17]);
    expect(result.statistic).toBe(1);
    expect(result.pValue).toBeLessThan(0.001);
  });
});

describe('StreamingKs', () => {
  it('gives the same D as the two-sample merge without storing the current sample', () => {
    const ks = new StreamingKs(sorted(A));
    for (const value of B) ks.add(value);
    expect(ks.result().statistic).toBeCloseTo(ksTwoSample(sorted(A), sorted(B)).statistic, 14);
    const ties = new StreamingKs([1, 2, 2, 3, 3, 3]);
    for (const value of [4, 3, 2, 3]) ties.add(value);
    expect(ties.result().statistic).toBeCloseTo(0.25, 12);
  });
});

describe('SortedSearch', () => {
  it('finds the same lower bound as a linear scan, with ties, gaps and out-of-range values', () => {
    const values = Float64Array.from([-3, -1, -1, 0, 0.5, 0.5, 0.5, 2, 10, 1000]);
    const search = new SortedSearch(values);
    const probes = [-5, -3, -2, -1, -0.5, 0, 0.25, 0.5, 0.75, 2, 3, 9.999, 10, 11, 999, 1000, 1001];
    for (const probe of probes) {
      const expected = values.findIndex((v) => v >= probe);
      expect(search.lowerBound(probe)).toBe(expected === -1 ? values.length : expected);
    }
    expect(new SortedSearch(Float64Array.from([4])).lowerBound(4)).toBe(0);
    expect(new SortedSearch(Float64Array.from([4])).lowerBound(5)).toBe(1);
    expect(new SortedSearch(new Float64Array(0)).lowerBound(1)).toBe(0);
  });
});

describe('wassersteinDistance', () => {
  it('matches scipy docs and a brute-force integral (py)', () => {
    expect(wassersteinDistance([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 12); // scipy docs
    expect(wassersteinDistance([0, 1], [0, 0, 1])).toBeCloseTo(1 / 6, 12);
    expect(wassersteinDistance(sorted(A), sorted(B))).toBeCloseTo(0.7995090909090908, 12); // py
  });

  it('divides by the reference std, floored at 0.001', () => {
    expect(normalizedWasserstein([0, 1, 3], [5, 6, 8], 2)).toBeCloseTo(2.5, 12);
    expect(normalizedWasserstein([1, 1], [1.001, 1.001], 0)).toBeCloseTo(1, 9);
  });
});

describe('categorical tests', () => {
  it('matches scipy.stats.chisquare doc examples', () => {
    const uniform = chiSquareTest([16, 18, 16, 14, 12, 12]);
    expect(uniform.statistic).toBeCloseTo(2, 12);
    expect(uniform.pValue).toBeCloseTo(0.84914503608460956, 12);
    const given = chiSquareTest([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]);
    expect(given.statistic).toBeCloseTo(3.5, 12);
    expect(given.pValue).toBeCloseTo(0.62338762774958223, 12);
  });

  it('tests homogeneity of two samples as scipy.stats.chi2_contingency (scipy docs example)', () => {
    const result = chiSquareDrift([10, 10, 20], [20, 20, 20]);
    expect(result.statistic).toBeCloseTo(2.7777777777777777, 12);
    expect(result.pValue).toBeCloseTo(0.24935220877729619, 12);
    const same = chiSquareDrift([100, 200, 300], [50, 100, 150]);
    expect(same.statistic).toBeCloseTo(0, 12);
    expect(same.pValue).toBeCloseTo(1, 12);
  });

  it('flags a category that appears only in the current window', () => {
    expect(chiSquareDrift([100, 200, 0], [50, 100, 40]).pValue).toBeLessThan(1e-6);
  });

  it('equals the squared z statistic for two categories', () => {
    const chi = chiSquareDrift([40, 60], [55, 65]);
    const z = proportionZTest(40, 100, 55, 120);
    expect(chi.statistic).toBeCloseTo(z.statistic ** 2, 12);
    expect(chi.pValue).toBeCloseTo(z.pValue, 12);
  });

  it('matches the pooled two-proportion z-test (py)', () => {
    const result = proportionZTest(40, 100, 55, 120);
    expect(result.statistic).toBeCloseTo(-0.8697650418763532, 12);
    expect(result.pValue).toBeCloseTo(0.3844288193282097, 12);
    expect(proportionZTest(10, 10, 20, 20).pValue).toBe(1);
  });

  it('matches scipy.spatial.distance.jensenshannon doc examples (base e) and py', () => {
    expect(jensenShannonDistance([1, 0], [0.5, 0.5])).toBeCloseTo(0.46450140402245893, 12);
    expect(jensenShannonDistance([1, 0, 0], [0, 1, 0])).toBeCloseTo(Math.sqrt(Math.LN2), 12);
    expect(jensenShannonDistance([1, 0, 0], [1, 0, 0])).toBe(0);
    expect(jensenShannonDistance([1, 4, 5], [3, 3, 4])).toBeCloseTo(0.1803596560271257, 12);
  });

  it('computes PSI with Evidently zero filling (py)', () => {
    expect(populationStabilityIndex([20, 30, 50], [25, 25, 50])).toBeCloseTo(0.02027325540540821, 12);
    expect(fillZeroes([0, 0.5, 0.5])).toEqual([0.0001, 0.5, 0.5]);
    expect(fillZeroes([0, 0.00005, 0.99995])[0]).toBeCloseTo(0.00005 / 1e6, 20);
    expect(Number.isFinite(populationStabilityIndex([0, 10], [10, 0]))).toBe(true);
  });
});

describe('selectTest', () => {
  it('follows Evidently: KS/Wasserstein for numeric, chi-square/z/JS for the rest', () => {
    expect(selectTest({ type: 'numeric', referenceRows: 1000, distinctCombined: 6 })).toBe('ks');
    expect(selectTest({ type: 'numeric', referenceRows: 1001, distinctCombined: 6 })).toBe('wasserstein');
    expect(selectTest({ type: 'numeric', referenceRows: 500, distinctCombined: 5 })).toBe('chisquare');
    expect(selectTest({ type: 'numeric', referenceRows: 500, distinctCombined: 2 })).toBe('z');
    expect(selectTest({ type: 'categorical', referenceRows: 500, distinctCombined: 40 })).toBe('chisquare');
    expect(selectTest({ type: 'categorical', referenceRows: 5000, distinctCombined: 2 })).toBe(
      'jensenshannon',
    );
    expect(selectTest({ type: 'numeric', referenceRows: 5000, distinctCombined: 3 })).toBe('jensenshannon');
  });
});
