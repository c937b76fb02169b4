/**
 * One fixed gradient boosting fit, for instruction counts that load does not move (issue 23):
 * bench/gbm.ts's data set at 100,000 rows (the first 75% fitted), 30 iterations.
 * Run: `valgrind --tool=callgrind node --import tsx bench/gbm-fixed-fit.ts [threads] [skip]`;
 * `skip` builds the data and fits nothing: subtract its count to get the fit's own.
 */
import { gradientBoosting } from '../training/algorithms/trees/gbm/gradient-boosting.js';
import { makeClassification } from './make-classification.js';

const threads = Number(process.argv[2] ?? 1);
const { X, y } = makeClassification({
  nSamples: 100_000,
  nFeatures: 20,
  nInformative: 10,
  nRedundant: 4,
  flipY: 0.01,
  randomState: 7,
});
const cut = 75_000;
const data = {
  X: { data: X.data.slice(0, cut * X.cols), rows: cut, cols: X.cols },
  y: y.slice(0, cut),
  task: 'classification' as const,
  nClasses: 2,
  seed: 7,
};
if (process.argv[3] !== 'skip')
  gradientBoosting.fit(data, gradientBoosting.params.parse({ threads, max_iter: 30 }));
