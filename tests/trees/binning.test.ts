import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/ml/random.js';
import { binMatrix, binMatrixBySort } from '../../training/algorithms/trees/gbm/binning.js';
import { binnedMemory } from '../../training/algorithms/trees/gbm/histogram-memory.js';

const rng = createRng(3);
const rows = 40_000;

/** Column generators covering the bucketed path's corners (ties, -0/+0, NaN, one dense bucket). */
const columns: Record<string, (r: number) => number> = {
  normal: () => rng.normal(),
  wide: () => rng.normal() * 1e6,
  // every value in one top-16-bit bucket: the whole column is gathered and sorted
  denseBucket: () => 1 + rng.next() * 1e-3,
  manyTies: () => Math.floor(rng.next() * 1000) / 7,
  fewDistinct: () => Math.floor(rng.next() * 200),
  justOverMax: () => Math.floor(rng.next() * 257) - 128,
  signedZeros: (r) => (r % 3 === 0 ? -0 : r % 3 === 1 ? 0 : rng.normal()),
  zerosAndSome: (r) => (r % 5 === 0 ? rng.normal() : r % 2 === 0 ? -0 : 0),
  // 255 distinct floats in 256 buckets (-0 and +0 apart): still the few-distinct rule
  zerosAnd254: (r) => (r % 256 === 0 ? -0 : r % 256 === 1 ? 0 : (r % 256) - 1),
  withNaN: (r) => (r % 7 === 0 ? Number.NaN : rng.normal() * 50),
  allNaN: () => Number.NaN,
  negative: () => -Math.exp(rng.normal() * 5),
};

describe('binMatrix (bucketed quantiles)', () => {
  it('gives the edges and codes of a full sort of every column', () => {
    const names = Object.keys(columns);
    const cols = names.length;
    const data = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let f = 0; f < cols; f++) data[r * cols + f] = columns[names[f]](r);
    const X = { data, rows, cols };
    for (const maxBins of [255, 32]) {
      const fast = binMatrix(X, maxBins);
      const ref = binMatrixBySort(X, maxBins);
      for (let f = 0; f < cols; f++) {
        expect(Array.from(fast.edges[f]), `${names[f]} edges, ${maxBins} bins`).toEqual(
          Array.from(ref.edges[f]),
        );
        expect(fast.nBins[f]).toBe(ref.nBins[f]);
      }
      const diff = fast.codes.findIndex((c, i) => c !== ref.codes[i]);
      expect(diff, diff < 0 ? '' : `first code difference: ${names[Math.floor(diff / rows)]}`).toBe(-1);
    }
  });
});

describe('binnedMemory (codes binned in place)', () => {
  it('holds the codes and edges of binMatrix, in the kernel memory', () => {
    const cols = 13; // two 8-column blocks
    const n = 5_000;
    const data = Float64Array.from({ length: n * cols }, (_, i) =>
      i % 11 === 0 ? Number.NaN : rng.normal(),
    );
    const X = { data, rows: n, cols };
    const mem = binnedMemory(X, 64);
    const ref = binMatrix(X, 64);
    expect(mem.data.codes.buffer).toBe(mem.memory.buffer);
    expect(Array.from(mem.data.codes)).toEqual(Array.from(ref.codes));
    expect(mem.data.edges.map((e) => Array.from(e))).toEqual(ref.edges.map((e) => Array.from(e)));
    expect(Array.from(mem.data.nBins)).toEqual(Array.from(ref.nBins));
  });

  it('calls beforeBinning with the memory and its shape before any code is written', () => {
    const X = { data: Float64Array.from({ length: 300 }, (_, i) => (i % 17) + 1), rows: 100, cols: 3 };
    let seen: { rows: number; cols: number; written: number } | undefined;
    const mem = binnedMemory(X, 255, (m) => {
      const codes = new Uint8Array(m.memory.buffer, 0, 300);
      seen = { ...m.shape, written: codes.filter((c) => c !== 0).length };
    });
    expect(seen).toEqual({ rows: 100, cols: 3, written: 0 });
    expect(mem.data.codes.filter((c) => c !== 0).length).toBeGreaterThan(0);
  });
});
