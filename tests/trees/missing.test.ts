import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/ml/random.js';
import type { TreeEnsembleModel } from '../../training/algorithms/trees/ensemble.js';
import { binMatrix } from '../../training/algorithms/trees/gbm/binning.js';
import { gradientBoosting } from '../../training/algorithms/trees/gbm/gradient-boosting.js';
import type { FitData } from '../../training/algorithms/types.js';
import { labelMismatches, loadDataset, maxRelDiff, runOnnx } from './helpers.js';

/** Blanks `rate` of the cells of the first `cols` features (NaN = missing, as the graph input). */
function withMissing(d: FitData, rate: number, cols: number, seed: number): FitData {
  const rng = createRng(seed);
  const data = d.X.data.slice();
  for (let r = 0; r < d.X.rows; r++) {
    for (let c = 0; c < cols; c++) if (rng.next() < rate) data[r * d.X.cols + c] = Number.NaN;
  }
  return { ...d, X: { ...d.X, data } };
}

function learnedMissingLeft(model: TreeEnsembleModel): number {
  return model.trees.reduce((n, t) => n + t.missingLeft.reduce((a, b) => a + b, 0), 0);
}

describe('gradient_boosting with missing values', () => {
  it('learns missing-value directions and keeps ONNX parity on NaN rows (breast_cancer)', async () => {
    const data = withMissing(loadDataset('breast_cancer', 0), 0.2, 30, 11);
    const model = gradientBoosting.fit(
      data,
      gradientBoosting.params.parse({ max_iter: 30 }),
    ) as TreeEnsembleModel;
    expect(learnedMissingLeft(model)).toBeGreaterThan(0);
    const ours = model.predict(data.X);
    const onnx = await runOnnx(model, data.X, 2);
    expect(labelMismatches(ours.labels!, onnx.label!)).toEqual([]);
    expect(maxRelDiff(ours.probabilities!, onnx.probabilities!)).toBeLessThanOrEqual(1e-5);
    let hits = 0;
    for (let i = 0; i < data.y.length; i++) hits += ours.labels![i] === data.y[i] ? 1 : 0;
    expect(hits / data.y.length).toBeGreaterThan(0.95);
  });

  it('keeps parity for multiclass and regression with NaN in training and prediction', async () => {
    for (const name of ['wine', 'diabetes']) {
      const full = loadDataset(name, 0);
      const train = withMissing(full, 0.15, full.X.cols, 5);
      const model = gradientBoosting.fit(train, gradientBoosting.params.parse({ max_iter: 20 }));
      const unseen = withMissing(full, 0.3, full.X.cols, 99);
      const ours = model.predict(unseen.X);
      const onnx = await runOnnx(model, unseen.X, full.nClasses);
      if (full.task === 'classification') {
        expect(labelMismatches(ours.labels!, onnx.label!)).toEqual([]);
        expect(maxRelDiff(ours.probabilities!, onnx.probabilities!)).toBeLessThanOrEqual(1e-5);
      } else {
        expect(maxRelDiff(ours.values!, onnx.variable!)).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('sends an all-missing row down the learned side, not the threshold side', () => {
    const data = withMissing(loadDataset('breast_cancer', 0), 0.3, 30, 3);
    const model = gradientBoosting.fit(data, gradientBoosting.params.parse({ max_iter: 10 }));
    const allMissing = { data: new Float64Array(30).fill(Number.NaN), rows: 1, cols: 30 };
    const p = model.predict(allMissing).probabilities!;
    expect(p[0] + p[1]).toBeCloseTo(1, 6);
    expect(Number.isFinite(p[1])).toBe(true);
  });
});

describe('binMatrix', () => {
  it('bins so that code <= b exactly when the float32 value <= edges[b], NaN to the missing bin', () => {
    const rng = createRng(1);
    const rows = 5000;
    const data = Float64Array.from({ length: rows * 2 }, (_, i) =>
      i % 2 === 0 ? rng.normal() * 1e3 : Math.floor(rng.next() * 7),
    );
    data[10] = Number.NaN;
    const binned = binMatrix({ data, rows, cols: 2 }, 255);
    expect(binned.nBins[0]).toBe(255);
    expect(binned.nBins[1]).toBe(7);
    expect(binned.codes[5]).toBe(255);
    for (let f = 0; f < 2; f++) {
      const edges = binned.edges[f];
      for (let r = 0; r < rows; r++) {
        const v = Math.fround(data[r * 2 + f]);
        if (Number.isNaN(v)) continue;
        const b = binned.codes[f * rows + r];
        if (b < edges.length) expect(v <= edges[b]).toBe(true);
        if (b > 0) expect(v > edges[b - 1]).toBe(true);
      }
    }
  });
});
