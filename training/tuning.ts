import { type AlgorithmSpec, parseHyperparameters } from '../contracts/algorithms.js';
import type { TuningResult } from '../contracts/metrics.js';
import { SEARCH_SPACE_KEY, type SearchSpace } from '../contracts/training-request.js';
import { ValidationError } from '../core/errors.js';
import { type Fold, kFold, stratifiedKFold } from '../core/ml/cv.js';
import { createRng, deriveSeed } from '../core/ml/random.js';
import type { Algorithm, FitData, Matrix } from './algorithms/types.js';
import { scoreOf } from './evaluate.js';

type Value = number | string | boolean;
const FIELD = SEARCH_SPACE_KEY;

function gridCandidates(space: SearchSpace): Record<string, Value>[] {
  let out: Record<string, Value>[] = [{}];
  for (const [key, values] of Object.entries(space.space)) {
    if (!Array.isArray(values))
      throw new ValidationError(
        `${FIELD}.space.${key}: a grid needs a list of values, not a range`,
        `${FIELD}.space.${key}`,
      );
    out = out.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return out.slice(0, space.budget);
}

function randomCandidates(space: SearchSpace, seed: number): Record<string, Value>[] {
  const rng = createRng(deriveSeed(seed, 7919));
  return Array.from({ length: space.budget }, () => {
    const c: Record<string, Value> = {};
    for (const [key, v] of Object.entries(space.space)) {
      if (Array.isArray(v)) {
        if (v.length === 0) continue;
        c[key] = v[rng.int(v.length)];
        continue;
      }
      const u = rng.next();
      const x = v.log
        ? Math.exp(Math.log(v.min) + u * (Math.log(v.max) - Math.log(v.min)))
        : v.min + u * (v.max - v.min);
      c[key] = v.int ? Math.round(x) : x;
    }
    return c;
  });
}

/** The candidates of a search space; none (an empty space or an empty list) is an error. */
export function candidates(space: SearchSpace, seed: number): Record<string, Value>[] {
  const keys = Object.keys(space.space);
  const empty = keys.find((k) => Array.isArray(space.space[k]) && (space.space[k] as Value[]).length === 0);
  if (keys.length === 0 || empty !== undefined) {
    const field = empty === undefined ? `${FIELD}.space` : `${FIELD}.space.${empty}`;
    throw new ValidationError(`${field}: the search space has no candidates`, field);
  }
  return space.strategy === 'grid' ? gridCandidates(space) : randomCandidates(space, seed);
}

function rowsOf(X: Matrix, idx: Int32Array): Matrix {
  const data = new Float64Array(idx.length * X.cols);
  idx.forEach((r, i) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return { data, rows: idx.length, cols: X.cols };
}

/**
 * Cross-validates every candidate on the (preprocessed) training rows and returns all scores and
 * the best candidate's hyperparameters. Fixed hyperparameters apply to every candidate; the
 * candidate's values win. Clustering has no held-out labels: each candidate is scored by the
 * silhouette of its fit on all training rows.
 */
export function tune(
  spec: AlgorithmSpec,
  impl: Algorithm,
  data: FitData,
  fixed: Record<string, unknown>,
  space: SearchSpace,
  nClasses: number,
): TuningResult {
  const list = candidates(space, data.seed);
  if (data.task !== 'clustering' && space.folds > data.X.rows) {
    const field = `${FIELD}.folds`;
    throw new ValidationError(
      `${field}: ${space.folds} folds is more than the ${data.X.rows} training rows`,
      field,
    );
  }
  const folds: Fold[] =
    data.task === 'clustering'
      ? []
      : data.task === 'classification'
        ? stratifiedKFold(data.y, space.folds, deriveSeed(data.seed, 1))
        : kFold(data.X.rows, space.folds, deriveSeed(data.seed, 1));
  const results = list.map((candidate) => {
    const params = parseHyperparameters(spec, { ...fixed, ...candidate });
    const scores =
      data.task === 'clustering'
        ? [scoreOf(impl.fit(data, params).predict(data.X), data.y, nClasses, data.X)]
        : folds.map(({ train, test }) => {
            const fit = impl.fit(
              { ...data, X: rowsOf(data.X, train), y: Float64Array.from(train, (i) => data.y[i]) },
              params,
            );
            const yTest = Float64Array.from(test, (i) => data.y[i]);
            const Xtest = rowsOf(data.X, test);
            return scoreOf(fit.predict(Xtest), yTest, nClasses, Xtest);
          });
    const score = scores.reduce((a, b) => a + b, 0) / scores.length;
    const std = Math.sqrt(scores.reduce((a, b) => a + (b - score) ** 2, 0) / scores.length);
    return { hyperparameters: { ...fixed, ...candidate }, score, std, params };
  });
  let best = 0;
  results.forEach((r, i) => {
    if (r.score > results[best].score) best = i;
  });
  return {
    strategy: space.strategy,
    folds: data.task === 'clustering' ? 0 : space.folds,
    metric: data.task === 'classification' ? 'accuracy' : data.task === 'regression' ? 'r2' : 'silhouette',
    candidates: results.map(({ hyperparameters, score, std }) => ({ hyperparameters, score, std })),
    best,
    chosen: results[best].params,
  };
}
