import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, NEIGHBORS } from '../../training/algorithms/neighbors/index.js';
import { loadDataset } from './helpers.js';

/**
 * Cross-validated quality of every algorithm against the reference scores lives in
 * tests/training/quality*.test.ts (through the trainer, on the reference's own folds).
 */

describe('kmeans on iris', () => {
  it('finds the species with adjusted Rand index >= 0.7 (k = 3)', () => {
    const ds = loadDataset('iris');
    const a = NEIGHBORS.find((x) => x.name === 'kmeans');
    const model = a?.fit(
      { X: ds.X, y: new Float64Array(0), task: 'clustering', nClasses: 0, seed: 0 },
      a.params.parse({ n_clusters: 3 }),
    );
    const clusters = model?.predict(ds.X).clusters ?? [];
    expect(adjustedRandIndex(clusters, ds.y)).toBeGreaterThanOrEqual(0.7);
  });
});

describe('adjustedRandIndex', () => {
  it('is 1 for the same partition under renamed labels and about 0 for an unrelated one', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2, 2], [5, 5, 3, 3, 9, 9])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeLessThan(0);
  });
});
