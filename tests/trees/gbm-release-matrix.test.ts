import { describe, expect, it } from 'vitest';
import { gradientBoosting } from '../../training/algorithms/trees/gbm/gradient-boosting.js';
import { isReleased, ownsBuffer, releaseMatrix } from '../../training/algorithms/matrix-release.js';
import type { FitData } from '../../training/algorithms/types.js';
import { loadDataset } from './helpers.js';

const copyOf = (d: FitData): FitData => ({ ...d, X: { ...d.X, data: d.X.data.slice() } });

describe('gradient boosting handed its matrix (releaseX)', () => {
  it.each(['breast_cancer', 'diabetes'])('%s: frees X after binning and fits the same trees', (name) => {
    const data = loadDataset(name);
    const params = gradientBoosting.params.parse({ max_iter: 20 });
    const handed = copyOf(data);
    const released = gradientBoosting.fit({ ...handed, releaseX: true }, params);
    expect(handed.X.data.length).toBe(0);
    expect(isReleased(handed.X)).toBe(true);
    const kept = gradientBoosting.fit(data, params);
    expect(data.X.data.length).toBe(data.X.rows * data.X.cols);
    expect(released.predict(data.X)).toEqual(kept.predict(data.X));
    expect(released.trainingPredictions?.()).toEqual(kept.trainingPredictions?.());
  });
});

describe('releaseMatrix', () => {
  it('refuses a view of part of a buffer (it would empty the rest too)', () => {
    const whole = new Float64Array(12);
    const X = { data: whole.subarray(0, 6), rows: 3, cols: 2 };
    expect(ownsBuffer(X)).toBe(false);
    expect(() => releaseMatrix(X)).toThrow(/does not own its buffer/);
    expect(whole.length).toBe(12);
  });
});
