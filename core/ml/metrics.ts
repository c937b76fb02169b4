import { ValidationError } from '../errors.js';
import type { ClassificationMetrics, RegressionMetrics } from '../../contracts/metrics.js';

/** Clamp used by log loss, as scikit-learn does, so a confident miss costs a finite amount. */
const EPS = 1e-15;

/** Rows = true class, columns = predicted class. */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  nClasses: number,
): number[][] {
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return yTrue.length ? hit / yTrue.length : 0;
}

/** Per-class precision, recall, F1 and support; 0 where undefined (scikit-learn's zero_division=0). */
function perClass(cm: number[][]) {
  return cm.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = cm.reduce((a, r) => a + r[k], 0);
    const precision = predicted ? tp / predicted : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

/** Mean log loss of the true class's probability (row-major [N, C] probabilities). */
export function logLoss(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  nClasses: number,
): number {
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    let rowSum = 0;
    for (let k = 0; k < nClasses; k++) rowSum += probabilities[i * nClasses + k];
    const p = probabilities[i * nClasses + yTrue[i]] / (rowSum || 1);
    sum -= Math.log(Math.min(1 - EPS, Math.max(EPS, p)));
  }
  return yTrue.length ? sum / yTrue.length : 0;
}

/** The scores of the positive (y = 1) and the other rows, each sorted ascending. */
function scoresByClass(yTrue: ArrayLike<number>, scores: ArrayLike<number>): [Float64Array, Float64Array] {
  let nPos = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === 1) nPos++;
  const pos = new Float64Array(nPos);
  const neg = new Float64Array(yTrue.length - nPos);
  for (let i = 0, p = 0, q = 0; i < yTrue.length; i++) {
    if (yTrue[i] === 1) pos[p++] = scores[i];
    else neg[q++] = scores[i];
  }
  return [pos.sort(), neg.sort()];
}

/** How many leading values of an ascending typed-array sort are not NaN (NaN sorts last). */
function numericLength(sorted: Float64Array): number {
  let end = sorted.length;
  while (end > 0 && Number.isNaN(sorted[end - 1])) end--;
  return end;
}

/**
 * ROC AUC for a binary task: the probability a positive outranks a negative (ties count half),
 * from the rank sum of the positives (mid-ranks for ties), merging the two classes' sorted
 * scores. NaN scores rank above every number, as one tie group.
 */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  const [pos, neg] = scoresByClass(yTrue, scores);
  const nPos = pos.length;
  const nNeg = neg.length;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  const [mPos, mNeg] = [numericLength(pos), numericLength(neg)];
  let rankSumPos = 0;
  let i = 0;
  let j = 0;
  while (i < mPos) {
    // The next tie group: its value, and where it starts in the merged order.
    const v = j < mNeg && neg[j] < pos[i] ? neg[j] : pos[i];
    const first = i + j;
    while (i < mPos && pos[i] === v) i++;
    const p = i - (first - j);
    while (j < mNeg && neg[j] === v) j++;
    rankSumPos += p * ((first + i + j - 1) / 2 + 1);
  }
  if (mPos < nPos) rankSumPos += (nPos - mPos) * ((mPos + mNeg + nPos + nNeg - 1) / 2 + 1);
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Every true label must be one of the model's classes (an index in [0, classes)): a test row
 * whose class the training split never held has no cell in the confusion matrix.
 * @throws ValidationError naming `target`.
 */
function checkKnownClasses(yTrue: ArrayLike<number>, classes: readonly string[]): void {
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    if (Number.isInteger(y) && y >= 0 && y < classes.length) continue;
    throw new ValidationError(
      `target: test row ${i + 1} holds a class the model was not trained on (its classes: ${classes.slice(0, 10).join(', ')}); split 'stratified' keeps every class in both sets`,
      'target',
    );
  }
}

/** Every classification metric Cirrus records; `score` is accuracy. */
export function classificationMetrics(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  classes: readonly string[],
): ClassificationMetrics {
  const c = classes.length;
  checkKnownClasses(yTrue, classes);
  const cm = confusionMatrix(yTrue, yPred, c);
  const stats = perClass(cm);
  const n = yTrue.length;
  const weighted = (key: 'precision' | 'recall' | 'f1') =>
    n ? stats.reduce((s, x) => s + x[key] * x.support, 0) / n : 0;
  const present = stats.filter((s) => s.support > 0);
  const acc = accuracy(yTrue, yPred);
  const metrics: ClassificationMetrics = {
    task: 'classification',
    n,
    accuracy: acc,
    balancedAccuracy: present.length ? present.reduce((s, x) => s + x.recall, 0) / present.length : 0,
    precision: weighted('precision'),
    recall: weighted('recall'),
    f1: weighted('f1'),
    logLoss: logLoss(yTrue, probabilities, c),
    confusionMatrix: cm,
    classes: [...classes],
    score: acc,
  };
  if (c === 2) {
    const positive = new Float64Array(n);
    for (let i = 0; i < n; i++) positive[i] = probabilities[i * 2 + 1];
    const auc = rocAuc(yTrue, positive);
    if (Number.isFinite(auc)) metrics.rocAuc = auc;
  }
  return metrics;
}

export function r2(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = yTrue.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i] / n;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (yTrue[i] - yPred[i]) ** 2;
    ssTot += (yTrue[i] - mean) ** 2;
  }
  // scikit-learn: a constant target scores 1 when predicted exactly, else 0.
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/** Every regression metric Cirrus records; `score` is R2. */
export function regressionMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): RegressionMetrics {
  const n = yTrue.length;
  let se = 0;
  let ae = 0;
  for (let i = 0; i < n; i++) {
    se += (yTrue[i] - yPred[i]) ** 2;
    ae += Math.abs(yTrue[i] - yPred[i]);
  }
  const score = r2(yTrue, yPred);
  return { task: 'regression', n, r2: score, rmse: n ? Math.sqrt(se / n) : 0, mae: n ? ae / n : 0, score };
}
