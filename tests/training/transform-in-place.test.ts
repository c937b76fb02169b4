import { describe, expect, it } from 'vitest';
import type { FeatureFrame } from '../../training/frame.js';
import { fitPreprocessor, transform, transformInPlace } from '../../training/preprocess.js';

function frame(categorical: boolean): FeatureFrame {
  const rows = 50;
  const numeric = Float64Array.from({ length: rows * 3 }, (_, i) =>
    i % 7 === 0 ? Number.NaN : Math.sin(i) * 100,
  );
  return {
    rows,
    numericNames: ['a', 'b', 'c'],
    numeric,
    categoricalNames: categorical ? ['k'] : [],
    categorical: categorical ? Array.from({ length: rows }, (_, r) => ['x', 'y', ''][r % 3]) : [],
    textNames: [],
    text: [],
  };
}

describe('transformInPlace', () => {
  it.each(['standard', 'none'] as const)(
    'gives transform’s matrix in the frame’s own buffer when the features are numeric (%s scaling)',
    (scaling) => {
      const f = frame(false);
      const pre = fitPreprocessor(f, scaling);
      const expected = transform(pre, { ...f, numeric: f.numeric.slice() });
      const X = transformInPlace(pre, f);
      expect(X.data).toBe(f.numeric);
      expect(X).toEqual(expected);
    },
  );

  it('leaves a frame with categorical features alone and builds a new matrix', () => {
    const f = frame(true);
    const before = f.numeric.slice();
    const pre = fitPreprocessor(f, 'standard');
    const X = transformInPlace(pre, f);
    expect(X.data).not.toBe(f.numeric);
    expect(f.numeric).toEqual(before);
    expect(X).toEqual(transform(pre, f));
  });
});
