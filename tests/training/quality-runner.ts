import { afterAll, describe, expect, it } from 'vitest';
import type { Task } from '../../contracts/model-contract.js';
import { parseCsv } from '../../core/data/csv.js';
import { toCsv } from '../../core/data/write.js';
import type { Fold } from '../../core/ml/cv.js';
import { ALL_IMPLEMENTATIONS } from '../../training/algorithms/index.js';
import { train } from '../../training/train.js';
import { BUILTIN, datasetText, jobConfig } from './helpers.js';
import { sklearnRepeatedKFold, sklearnRepeatedStratifiedKFold } from './sklearn-folds.js';

/**
 * Quality against ../shared/reference-scores.md (scikit-learn 1.2.1 defaults): the mean score
 * (accuracy / R2) over the reference's own folds — RepeatedStratifiedKFold (RepeatedKFold for
 * diabetes), 5 splits, 3 repeats, random_state 0, reproduced row for row by sklearn-folds.ts —
 * through the real trainer, must be at least the reference minus 0.02. On the same folds the
 * deterministic models (ridge, linear_regression, lasso, logistic_regression, knn, svr) land on
 * the reference to the third decimal, so what remains is the models' own difference.
 */
export const REFERENCE: Record<string, Record<string, number>> = {
  iris: {
    logistic_regression: 0.956,
    ridge: 0.831,
    decision_tree: 0.951,
    random_forest: 0.953,
    gradient_boosting: 0.951,
    knn: 0.956,
    svc: 0.958,
    mlp: 0.953,
    naive_bayes: 0.956,
  },
  wine: {
    logistic_regression: 0.983,
    ridge: 0.991,
    decision_tree: 0.914,
    random_forest: 0.981,
    gradient_boosting: 0.981,
    knn: 0.961,
    svc: 0.983,
    mlp: 0.981,
    naive_bayes: 0.972,
  },
  breast_cancer: {
    logistic_regression: 0.975,
    ridge: 0.958,
    decision_tree: 0.927,
    random_forest: 0.962,
    gradient_boosting: 0.967,
    knn: 0.967,
    svc: 0.974,
    mlp: 0.975,
    naive_bayes: 0.937,
  },
  digits: {
    logistic_regression: 0.97,
    ridge: 0.935,
    decision_tree: 0.858,
    random_forest: 0.974,
    gradient_boosting: 0.971,
    knn: 0.976,
    svc: 0.982,
    mlp: 0.981,
    naive_bayes: 0.843,
  },
  diabetes: {
    ridge: 0.491,
    decision_tree: -0.175,
    random_forest: 0.431,
    gradient_boosting: 0.393,
    knn: 0.388,
    mlp: 0.473,
    linear_regression: 0.49,
    lasso: 0.491,
    elastic_net: 0.467,
    svr: 0.156,
  },
};
const TOLERANCE = 0.02;
const REPEATS = 3;
/**
 * The two fits that cost a minute per repeat on digits (1,437 rows x 64 features: 1,000 boosted
 * trees; a 100-unit MLP for 200 epochs) run the reference's first repeat only; on digits one
 * repeat's mean differs from the three-repeat mean by well under 0.01. CIRRUS_QUALITY_FULL=1
 * runs all three.
 */
const ONE_REPEAT = new Set(['gradient_boosting/digits', 'mlp/digits']);
const FULL = process.env.CIRRUS_QUALITY_FULL === '1';

function referenceFolds(text: string, task: Task, repeats: number) {
  const { columns } = parseCsv(text);
  const n = columns[0].values.length;
  const target = columns.find((c) => c.name === 'target');
  const folds: Fold[] =
    task === 'regression'
      ? sklearnRepeatedKFold(n, 5, repeats, 0)
      : sklearnRepeatedStratifiedKFold(Float64Array.from(target?.values ?? [], Number), 5, repeats, 0);
  return { columns, folds };
}

interface Row {
  dataset: string;
  algorithm: string;
  reference: number;
  ours: number;
  std: number;
  note: string;
}

/** Registers one describe block checking every implemented algorithm on `datasets`. */
export function qualitySuite(datasets: readonly string[]): void {
  const table: Row[] = [];
  const cases = BUILTIN.filter((d) => datasets.includes(d.name)).flatMap((d) =>
    Object.entries(REFERENCE[d.name])
      .filter(([a]) => ALL_IMPLEMENTATIONS.some((i) => i.name === a && i.tasks.includes(d.task)))
      .map(([algorithm, reference]) => ({ dataset: d.name, task: d.task, algorithm, reference })),
  );
  const missing = datasets.flatMap((d) =>
    Object.keys(REFERENCE[d])
      .filter((a) => !cases.some((c) => c.dataset === d && c.algorithm === a))
      .map((a) => `${a}/${d}`),
  );

  afterAll(() => {
    const head = `${'dataset'.padEnd(14)}${'algorithm'.padEnd(22)}${'ours'.padStart(8)}${'± sd'.padStart(8)}${'ref'.padStart(8)}${'diff'.padStart(8)}  note`;
    const lines = table.map((r) => {
      const diff = `${r.ours - r.reference >= 0 ? '+' : ''}${(r.ours - r.reference).toFixed(3)}`;
      return `${r.dataset.padEnd(14)}${r.algorithm.padEnd(22)}${r.ours.toFixed(3).padStart(8)}${r.std.toFixed(3).padStart(8)}${r.reference.toFixed(3).padStart(8)}${diff.padStart(8)}  ${r.note}`;
    });
    console.log(
      [
        `reference folds (scikit-learn RepeatedStratifiedKFold / RepeatedKFold, 5 x ${REPEATS}, random_state 0): ours vs reference, tolerance ${TOLERANCE}`,
        head,
        ...lines,
        `not implemented (not checked): ${missing.join(', ') || 'none'}`,
      ].join('\n'),
    );
  });

  describe(`cross-validated quality against the reference scores (${datasets.join(', ')})`, () => {
    it.for(cases)('$algorithm on $dataset scores at least $reference - 0.02', { timeout: 600_000 }, (c) => {
      const started = performance.now();
      const repeats = !FULL && ONE_REPEAT.has(`${c.algorithm}/${c.dataset}`) ? 1 : REPEATS;
      const { columns, folds } = referenceFolds(datasetText(c.dataset), c.task, repeats);
      const scores = folds.map(
        (fold) =>
          train(
            jobConfig(c.task, c.algorithm, {}, { dataset: c.dataset }),
            toCsv(columns, fold.train),
            toCsv(columns, fold.test),
          ).metrics.score,
      );
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
      const ok = mean >= c.reference - TOLERANCE;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      table.push({
        ...c,
        ours: mean,
        std,
        note: `${ok ? 'ok' : 'BELOW'} (${repeats} x 5 folds, ${seconds} s)`,
      });
      expect(mean).toBeGreaterThanOrEqual(c.reference - TOLERANCE);
    });
  });
}
