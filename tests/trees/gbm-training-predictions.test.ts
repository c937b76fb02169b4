import { describe, expect, it, vi } from 'vitest';
import { classificationData } from '../../bench/classification-csv.js';
import { BoostedTreesModel } from '../../training/algorithms/trees/gbm/boosted-model.js';
import { gradientBoosting } from '../../training/algorithms/trees/gbm/gradient-boosting.js';
import type { FitData, Predictions } from '../../training/algorithms/types.js';
import { evaluate } from '../../training/evaluate.js';
import { train } from '../../training/train.js';
import { datasetText, jobConfig, splitText } from '../training/helpers.js';
import { loadDataset } from './helpers.js';

// A float32 sum of 100 leaves against the float64 one: a few float32 ulps of the raw score.
const ROUNDING = 1e-5;

function fitBoth(data: FitData, params: Record<string, unknown> = {}) {
  const model = gradientBoosting.fit(data, gradientBoosting.params.parse(params));
  const kept = model.trainingPredictions?.();
  if (!kept) throw new Error('gradient boosting kept no training predictions');
  return { kept, predicted: model.predict(data.X) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Labels agree except where the row's two top probabilities are within rounding of a tie. */
function expectSameLabels(kept: Predictions, predicted: Predictions, nClasses: number): void {
  const { labels: a, probabilities: p } = kept;
  const b = predicted.labels!;
  expect(a!.length).toBe(b.length);
  for (let r = 0; r < b.length; r++) {
    if (a![r] === b[r]) continue;
    const gap = Math.abs(p![r * nClasses + a![r]] - p![r * nClasses + b[r]]);
    expect(gap, `row ${r}: labels ${a![r]} vs ${b[r]}`).toBeLessThan(ROUNDING);
  }
}

/** Every number of two metrics objects within `tol` relative. */
function expectCloseMetrics(a: unknown, b: unknown, tol: number, path = 'metrics'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    expect(Math.abs(a - b), path).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
    return;
  }
  if (a && typeof a === 'object') {
    expect(Object.keys(a).sort(), path).toEqual(Object.keys(b as object).sort());
    for (const [k, v] of Object.entries(a))
      expectCloseMetrics(v, (b as Record<string, unknown>)[k], tol, `${path}.${k}`);
    return;
  }
  expect(a, path).toEqual(b);
}

describe('gradient boosting: predictions on its training rows kept from the fit', () => {
  it.each(['breast_cancer', 'iris', 'digits'])('%s: labels and probabilities match predict', (name) => {
    const data = loadDataset(name);
    const { kept, predicted } = fitBoth(data);
    expect(maxAbsDiff(kept.probabilities!, predicted.probabilities!)).toBeLessThan(ROUNDING);
    expectSameLabels(kept, predicted, data.nClasses);
    const classes = Array.from({ length: data.nClasses }, (_, k) => String(k));
    expectCloseMetrics(
      evaluate(kept, data.y, classes, data.X),
      evaluate(predicted, data.y, classes, data.X),
      1e-6,
    );
  });

  it('diabetes (regression): values match predict within float32 rounding', () => {
    const data = loadDataset('diabetes');
    const { kept, predicted } = fitBoth(data);
    const values = predicted.values!;
    for (let r = 0; r < values.length; r++)
      expect(Math.abs(kept.values![r] - values[r]), `row ${r}`).toBeLessThan(ROUNDING * Math.abs(values[r]));
    expectCloseMetrics(
      evaluate(kept, data.y, undefined, data.X),
      evaluate(predicted, data.y, undefined, data.X),
      1e-6,
    );
  });

  it('20,000 generated rows on two threads: same labels, probabilities and metrics', () => {
    const { X, y } = classificationData(20_000);
    const data: FitData = { X, y, task: 'classification', nClasses: 2, seed: 7 };
    const { kept, predicted } = fitBoth(data, { threads: 2, max_iter: 50 });
    expect(maxAbsDiff(kept.probabilities!, predicted.probabilities!)).toBeLessThan(ROUNDING);
    expectSameLabels(kept, predicted, 2);
    expectCloseMetrics(evaluate(kept, y, ['0', '1'], X), evaluate(predicted, y, ['0', '1'], X), 1e-6);
  });
});

describe('the trainer uses them for metrics.training only', () => {
  const { train: tr, test } = splitText(datasetText('breast_cancer'), 'classification');
  const config = jobConfig('classification', 'gradient_boosting', {});

  it('with a test channel, metrics.training come from the fit, close to predict-based ones', () => {
    const kept = vi.spyOn(BoostedTreesModel.prototype, 'trainingPredictions');
    try {
      const result = train(config, tr, test);
      expect(kept).toHaveBeenCalledTimes(1);
      const trainFrame = train(config, tr);
      expectCloseMetrics(result.metrics.training, trainFrame.metrics.metrics, 1e-6);
    } finally {
      kept.mockRestore();
    }
  });

  it('without one, the evaluated predictions are predict itself (they must match the graph)', () => {
    const kept = vi.spyOn(BoostedTreesModel.prototype, 'trainingPredictions');
    try {
      train(config, tr);
      expect(kept).not.toHaveBeenCalled();
    } finally {
      kept.mockRestore();
    }
  });
});
