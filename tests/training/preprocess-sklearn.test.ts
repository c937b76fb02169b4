import { describe, expect, it } from 'vitest';
import type { FeatureFrame } from '../../training/frame.js';
import { fitPreprocessor, transform } from '../../training/preprocess.js';

/**
 * The preprocessing pinned to scikit-learn's documented outputs, not to Cirrus's own export.
 * Expected values computed with numpy (what StandardScaler and SimpleImputer compute):
 *   X = [[1,10,5],[2,nan,5],[4,30,5],[7,20,5]]
 *   np.nanmean(X, 0)          -> [3.5, 20, 5]              (SimpleImputer(strategy='mean').statistics_,
 *                                                            StandardScaler().mean_: NaN disregarded in fit)
 *   np.nanstd(X, 0, ddof=0)   -> [2.29128784747792, 8.16496580927726, 0]   (StandardScaler().scale_,
 *                                                            a zero std kept as scale 1)
 *   (where(isnan, mean, X) - mean) / scale -> the transformed rows below
 * ddof=1 would give [2.6457513110645907, 10, 0] instead.
 */
const frame: FeatureFrame = {
  rows: 4,
  numericNames: ['a', 'b', 'constant'],
  numeric: Float64Array.from([1, 10, 5, 2, Number.NaN, 5, 4, 30, 5, 7, 20, 5]),
  categoricalNames: ['colour'],
  categorical: ['red', 'blue', 'red', ''],
  textNames: [],
  text: [],
};

const SCALED = [
  [-1.091089451179962, -1.224744871391589, 0],
  [-0.6546536707079772, 0, 0],
  [0.2182178902359924, 1.224744871391589, 0],
  [1.5275252316519468, 0, 0],
];

function rowsOf(m: { data: Float64Array; rows: number; cols: number }): number[][] {
  return Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)));
}

describe('preprocessing matches scikit-learn', () => {
  it('SimpleImputer(mean): imputation values are the means of the present values', () => {
    const pre = fitPreprocessor(frame, 'none');
    expect(Array.from(pre.means)).toEqual([3.5, 20, 5]);
    const rows = rowsOf(transform(pre, frame));
    expect(rows[1].slice(0, 3)).toEqual([2, 20, 5]);
  });

  it('StandardScaler: mean_ and scale_ with ddof=0, a constant column scaled by 1', () => {
    const pre = fitPreprocessor(frame, 'standard');
    expect(Array.from(pre.scaling?.offset ?? [])).toEqual([3.5, 20, 5]);
    const scale = Array.from(pre.scaling?.scale ?? [], (s) => 1 / s);
    expect(scale[0]).toBeCloseTo(2.29128784747792, 6);
    expect(scale[1]).toBeCloseTo(8.16496580927726, 6);
    expect(scale[2]).toBe(1);
    const rows = rowsOf(transform(pre, frame));
    rows.forEach((row, r) => SCALED[r].forEach((v, j) => expect(row[j]).toBeCloseTo(v, 6)));
  });

  it("OneHotEncoder(handle_unknown='ignore'): sorted categories, unknown and missing as zeros", () => {
    const pre = fitPreprocessor(frame, 'none');
    expect(pre.categories).toEqual([['blue', 'red']]);
    expect(pre.width).toBe(5);
    const rows = rowsOf(transform(pre, { ...frame, categorical: ['red', 'blue', 'green', ''] }));
    expect(rows.map((r) => r.slice(3))).toEqual([
      [0, 1],
      [1, 0],
      [0, 0],
      [0, 0],
    ]);
  });
});
