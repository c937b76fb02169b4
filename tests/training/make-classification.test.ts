import { describe, expect, it } from 'vitest';
import { makeClassification } from '../../bench/make-classification.js';
import { NumpyRandomState } from '../../core/ml/numpy-random.js';

const draws = (n: number, draw: () => number) => Array.from({ length: n }, draw);

describe('NumpyRandomState', () => {
  it("gives MT19937's published first outputs (seed 5489) and numpy's RandomState(0) draws", () => {
    const mt = new NumpyRandomState(5489);
    expect(draws(3, () => mt.nextUint32())).toEqual([3499211612, 581869302, 3890346734]);
    const zero = new NumpyRandomState(0);
    expect(draws(3, () => zero.nextUint32())).toEqual([2357136044, 2546248239, 3071714933]);
  });

  it('matches random_sample, standard_normal and randint of RandomState(0)', () => {
    const u = new NumpyRandomState(0);
    expect(draws(3, () => u.uniform())).toEqual([0.5488135039273248, 0.7151893663724195, 0.6027633760716439]);
    const g = new NumpyRandomState(0);
    const normals = draws(3, () => g.standardNormal());
    [1.764052345967664, 0.4001572083672233, 0.9787379841057392].forEach((v, i) =>
      expect(normals[i]).toBeCloseTo(v, 14),
    );
    // randint(1024) masks with 1023 and never rejects: the low 10 bits of each uint32.
    const r = new NumpyRandomState(0);
    expect(draws(5, () => r.randint(1024))).toEqual([684, 559, 629, 192, 835]);
    expect([2357136044 & 1023, 2546248239 & 1023, 3071714933 & 1023]).toEqual([684, 559, 629]);
  });
});

// Reference values printed by scikit-learn 1.2.1 / numpy 1.24 for
// make_classification(100000, 20, n_informative=10, n_redundant=4, flip_y=0.01, random_state=7).
const OPTIONS = {
  nSamples: 100_000,
  nFeatures: 20,
  nInformative: 10,
  nRedundant: 4,
  flipY: 0.01,
  randomState: 7,
};

describe('makeClassification (sklearn port)', () => {
  it("reproduces scikit-learn's rows and labels for the benchmark's seed", () => {
    const { X, y } = makeClassification(OPTIONS);
    expect(Array.from(y.subarray(0, 20))).toEqual([
      1, 0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0,
    ]);
    expect(y.reduce((a, b) => a + b, 0)).toBe(49969);
    const row0 = [-1.392411403211985, -0.1721453028875552, -1.2844174978569645, -2.463356385723256];
    row0.forEach((v, c) => expect(X.data[c]).toBeCloseTo(v, 12));
    const last = [-0.9495601690536826, 0.5485780748843722, -1.2042503675889409];
    last.forEach((v, c) => expect(X.data[99_999 * 20 + c]).toBeCloseTo(v, 12));
  });

  const { X, y } = makeClassification({ ...OPTIONS, shuffle: false });
  const F = 20;
  const col = (r: number, c: number) => X.data[r * F + c];

  it('places four clusters on distinct hypercube vertices, two per class, before shuffling', () => {
    const vertices = new Set<string>();
    for (let k = 0; k < 4; k++) {
      const means = new Float64Array(10);
      for (let r = k * 25_000; r < (k + 1) * 25_000; r++) for (let c = 0; c < 10; c++) means[c] += col(r, c);
      // Each cluster is N(0, A'A) shifted to a vertex: its means sit near +-1.
      for (const m of means) expect(Math.abs(Math.abs(m / 25_000) - 1)).toBeLessThan(0.1);
      vertices.add(Array.from(means, (m) => (m > 0 ? '+' : '-')).join(''));
    }
    expect(vertices.size).toBe(4);
    // Labels are cluster % 2, then ~1% redrawn (about half of those change): 553 in sklearn.
    let flipped = 0;
    for (let r = 0; r < y.length; r++) flipped += y[r] !== Math.floor(r / 25_000) % 2 ? 1 : 0;
    expect(flipped).toBe(553);
  });

  it('makes the redundant columns exact linear combinations of the informative ones', () => {
    // Solve B from ten rows, then every other row must satisfy it to rounding.
    const B = solveTen(
      (i, j) => col(i, j),
      (i, j) => col(i, 10 + j),
      4,
    );
    let worst = 0;
    for (let r = 10; r < y.length; r += 97) {
      for (let j = 0; j < 4; j++) {
        let v = 0;
        for (let i = 0; i < 10; i++) v += col(r, i) * B[i][j];
        worst = Math.max(worst, Math.abs(v - col(r, 10 + j)));
      }
    }
    expect(worst).toBeLessThan(1e-8);
  });

  it("draws the noise columns last, equal to sklearn's standard normals", () => {
    const noise = [0.504511628405134, -0.7373129408676834, 0.9494640172435401, -1.0556989662387344];
    noise.forEach((v, j) => expect(col(0, 14 + j)).toBeCloseTo(v, 14));
  });
});

/** Solves A B = R for B, A the 10 x 10 informative block of rows 0..9 (Gauss-Jordan, pivoting). */
function solveTen(
  a: (i: number, j: number) => number,
  rhs: (i: number, j: number) => number,
  m: number,
): number[][] {
  const M = Array.from({ length: 10 }, (_, i) => [
    ...Array.from({ length: 10 }, (_, j) => a(i, j)),
    ...Array.from({ length: m }, (_, j) => rhs(i, j)),
  ]);
  for (let p = 0; p < 10; p++) {
    let best = p;
    for (let i = p + 1; i < 10; i++) if (Math.abs(M[i][p]) > Math.abs(M[best][p])) best = i;
    [M[p], M[best]] = [M[best], M[p]];
    for (let i = 0; i < 10; i++) {
      if (i === p) continue;
      const f = M[i][p] / M[p][p];
      for (let j = p; j < 10 + m; j++) M[i][j] -= f * M[p][j];
    }
  }
  return Array.from({ length: 10 }, (_, i) => Array.from({ length: m }, (_, j) => M[i][10 + j] / M[i][i]));
}
