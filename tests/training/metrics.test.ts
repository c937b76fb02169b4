import { describe, expect, it } from 'vitest';
import { classificationMetrics, regressionMetrics, rocAuc } from '../../core/ml/metrics.js';

describe('classificationMetrics', () => {
  // Values checked against scikit-learn 1.2 (accuracy_score, balanced_accuracy_score,
  // precision_recall_fscore_support(average='weighted'), log_loss, confusion_matrix).
  it('matches scikit-learn on a small three-class example', () => {
    const yTrue = [0, 0, 1, 1, 2, 2];
    const yPred = [0, 1, 1, 1, 2, 0];
    const probs = [0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.2, 0.7, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8, 0.5, 0.2, 0.3];
    const m = classificationMetrics(yTrue, yPred, probs, ['a', 'b', 'c']);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.balancedAccuracy).toBeCloseTo((0.5 + 1 + 0.5) / 3, 12);
    expect(m.precision).toBeCloseTo((0.5 * 2 + (2 / 3) * 2 + 1 * 2) / 6, 12);
    expect(m.recall).toBeCloseTo(4 / 6, 12);
    expect(m.f1).toBeCloseTo((0.5 * 2 + 0.8 * 2 + (2 / 3) * 2) / 6, 12);
    expect(m.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    const ll =
      -(Math.log(0.8) + Math.log(0.3) + Math.log(0.7) + Math.log(0.8) + Math.log(0.8) + Math.log(0.3)) / 6;
    expect(m.logLoss).toBeCloseTo(ll, 12);
    expect(m.rocAuc).toBeUndefined();
    expect(m.score).toBe(m.accuracy);
  });

  it('computes ROC AUC for binary tasks, ties counting half', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0, 1], [0.5, 0.5])).toBeCloseTo(0.5, 12);
    const m = classificationMetrics([0, 1, 1], [0, 1, 0], [0.9, 0.1, 0.2, 0.8, 0.6, 0.4], ['n', 'y']);
    expect(m.rocAuc).toBeCloseTo(1, 12);
  });
});

describe('classificationMetrics refuses labels outside the classes', () => {
  // Evaluate maps a test label the model never saw (or a missing one) to -1: a named error, not a TypeError.
  it.each([[-1], [2], [Number.NaN]])('a true label %s is a ValidationError naming target', (bad) => {
    const run = () => classificationMetrics([0, 1, bad], [0, 1, 1], [1, 0, 0, 1, 0, 1], ['a', 'b']);
    expect(run).toThrow(
      /target: test row 3 holds a class the model was not trained on \(its classes: a, b\)/,
    );
  });
});

describe('regressionMetrics', () => {
  it('computes R2, RMSE and MAE; score is R2', () => {
    const m = regressionMetrics([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);
    expect(m.r2).toBeCloseTo(0.9486081370449679, 12);
    expect(m.rmse).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(m.mae).toBeCloseTo(0.5, 12);
    expect(m.score).toBe(m.r2);
  });
});

/** The rank-sum definition over one sort of every row (the reference the merge must equal). */
function rocAucBySort(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const order = Array.from({ length: yTrue.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    for (let k = i; k <= j; k++) {
      if (yTrue[order[k]] === 1) {
        rankSumPos += (i + j) / 2 + 1;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = yTrue.length - nPos;
  return nPos === 0 || nNeg === 0 ? Number.NaN : (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

describe('rocAuc', () => {
  it('equals the rank-sum over one sort bit for bit, with many ties, -0 and 0', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const [n, levels] of [
      [1, 3],
      [2, 2],
      [57, 4],
      [1000, 7],
      [20_000, 1000],
      [20_000, 0],
    ]) {
      const y = Array.from({ length: n }, () => (rnd() < 0.3 ? 1 : 0));
      const scores = y.map((t) => {
        const v = levels ? Math.floor(rnd() * levels) / levels : rnd();
        return t === 1 && v === 0 && rnd() < 0.5 ? -0 : v + t * 0.1;
      });
      const expected = rocAucBySort(y, scores);
      expect(rocAuc(y, scores), `n ${n} levels ${levels}`).toBe(expected);
    }
  });

  it('ranks NaN scores above every number, as one tie group, and ends', () => {
    expect(rocAuc([0, 1], [0.5, Number.NaN])).toBe(1);
    expect(rocAuc([1, 0], [0.5, Number.NaN])).toBe(0);
    expect(rocAuc([0, 1, 1, 0], [Number.NaN, Number.NaN, 0.2, 0.1])).toBe(0.625);
  });
});
