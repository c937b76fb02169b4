import { describe, expect, it } from 'vitest';
import { splitRows } from '../../core/data/split.js';
import { kFold, repeatedFolds, stratifiedKFold } from '../../core/ml/cv.js';

const labels = Array.from({ length: 100 }, (_, i) => (i < 80 ? 'a' : 'b'));

describe('splitRows', () => {
  it('stratified keeps each class in proportion and covers every row once', () => {
    const { train, test } = splitRows(100, { strategy: 'stratified', testSize: 0.25, seed: 3, labels });
    expect(test.length + train.length).toBe(100);
    expect(new Set([...train, ...test]).size).toBe(100);
    expect(Array.from(test).filter((i) => labels[i] === 'b')).toHaveLength(5);
    expect(Array.from(test).filter((i) => labels[i] === 'a')).toHaveLength(20);
  });

  it('shuffle is deterministic for a seed and differs across seeds', () => {
    const a = splitRows(50, { strategy: 'shuffle', testSize: 0.2, seed: 1 });
    const b = splitRows(50, { strategy: 'shuffle', testSize: 0.2, seed: 1 });
    const c = splitRows(50, { strategy: 'shuffle', testSize: 0.2, seed: 2 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.test)).not.toEqual(Array.from(c.test));
    expect(a.test).toHaveLength(10);
  });

  it('last takes the final rows as the test set', () => {
    const { train, test } = splitRows(10, { strategy: 'last', testSize: 0.3, seed: 0 });
    expect(Array.from(test)).toEqual([7, 8, 9]);
    expect(Array.from(train)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('rejects a test size outside (0, 1) naming testSize', () => {
    expect(() => splitRows(10, { strategy: 'last', testSize: 1, seed: 0 })).toThrow(/^testSize: /);
  });
});

describe('cross-validation folds', () => {
  it('k-fold tests every row exactly once per repeat', () => {
    const folds = repeatedFolds(3, 0, (s) => kFold(23, 5, s));
    expect(folds).toHaveLength(15);
    for (let r = 0; r < 3; r++) {
      const tested = folds.slice(r * 5, r * 5 + 5).flatMap((f) => Array.from(f.test));
      expect(tested.sort((x, y) => x - y)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    }
    expect(Array.from(folds[0].test)).not.toEqual(Array.from(folds[5].test));
  });

  it('stratified k-fold puts the same share of each class in every fold', () => {
    const y = labels.map((l) => (l === 'a' ? 0 : 1));
    for (const fold of stratifiedKFold(y, 5, 0)) {
      expect(Array.from(fold.test).filter((i) => y[i] === 1)).toHaveLength(4);
      expect(fold.test.length + fold.train.length).toBe(100);
    }
  });
});

describe('splitRows at a million rows', () => {
  it('splits a million stratified labels without overflowing the stack', () => {
    const labels = Array.from({ length: 1_000_000 }, (_, i) => (i % 2 === 0 ? 'a' : 'b'));
    const split = splitRows(labels.length, { strategy: 'stratified', testSize: 0.25, seed: 0, labels });
    expect(split.test.length).toBe(250_000);
    expect(split.train.length).toBe(750_000);
  });
});
