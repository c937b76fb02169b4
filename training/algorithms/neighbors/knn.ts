import { type KnnParams, KnnParamsSchema } from '../../../contracts/hyperparameters/neighbors.js';
import { ValidationError } from '../../../core/errors.js';
import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import {
  argmaxRows,
  asFloat32,
  classifierOutputs,
  dconst,
  f32,
  iconst,
  regressorOutput,
  toDouble,
} from '../kernel/graph-ops.js';
import type { Algorithm, FitData, FittedModel, Matrix, OnnxOutputs } from '../types.js';

interface KnnModel {
  readonly train: Float64Array;
  readonly t: number;
  readonly f: number;
  readonly norms: Float64Array;
  readonly y: Float64Array;
  readonly k: number;
  readonly weights: KnnParams['weights'];
  readonly nClasses: number;
}

/** Smallest distance used for 1/d weights, so an exact match dominates without dividing by 0. */
const MIN_DIST = 1e-12;

function sqNorms(X: Float64Array, n: number, f: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let t = 0; t < f; t++) s += X[i * f + t] * X[i * f + t];
    return s;
  });
}

/**
 * The k nearest training rows of each query row, nearest first, lower index first on ties (as
 * onnxruntime's TopK); distances as the graph computes them: max(|x|^2 - 2 x.t + |t|^2, 0).
 */
function neighbours(m: KnnModel, X: Matrix): { idx: Int32Array; d2: Float64Array } {
  const x = asFloat32(X);
  const xn = sqNorms(x, X.rows, m.f);
  const idx = new Int32Array(X.rows * m.k);
  const d2 = new Float64Array(X.rows * m.k);
  const bestD = new Float64Array(m.k);
  const bestI = new Int32Array(m.k);
  for (let r = 0; r < X.rows; r++) {
    let size = 0;
    for (let j = 0; j < m.t; j++) {
      let dot = 0;
      for (let c = 0; c < m.f; c++) dot += x[r * m.f + c] * m.train[j * m.f + c];
      const d = Math.max(xn[r] - dot * 2 + m.norms[j], 0);
      if (size === m.k && d >= bestD[size - 1]) continue;
      let pos = size < m.k ? size++ : size - 1;
      while (pos > 0 && bestD[pos - 1] > d) {
        bestD[pos] = bestD[pos - 1];
        bestI[pos] = bestI[pos - 1];
        pos--;
      }
      bestD[pos] = d;
      bestI[pos] = j;
    }
    idx.set(bestI, r * m.k);
    d2.set(bestD, r * m.k);
  }
  return { idx, d2 };
}

function weightOf(m: KnnModel, d2: number): number {
  return m.weights === 'uniform' ? 1 : 1 / Math.max(Math.sqrt(d2), MIN_DIST);
}

function predictKnn(m: KnnModel, X: Matrix) {
  const { idx, d2 } = neighbours(m, X);
  const c = m.nClasses;
  if (c === 0) {
    const values = Float64Array.from({ length: X.rows }, (_, r) => {
      let num = 0;
      let den = 0;
      for (let q = 0; q < m.k; q++) {
        const w = weightOf(m, d2[r * m.k + q]);
        num += w * m.y[idx[r * m.k + q]];
        den += w;
      }
      return num / den;
    });
    return { values: f32(values) };
  }
  const probs = new Float64Array(X.rows * c);
  for (let r = 0; r < X.rows; r++) {
    let den = 0;
    for (let q = 0; q < m.k; q++) {
      const w = weightOf(m, d2[r * m.k + q]);
      probs[r * c + m.y[idx[r * m.k + q]]] += w;
      den += w;
    }
    for (let k = 0; k < c; k++) probs[r * c + k] /= den;
  }
  return { labels: argmaxRows(probs, X.rows, c), probabilities: f32(probs) };
}

/** Pairwise distances |x|^2 - 2 x.t + |t|^2 in float64 (N x T memory, not N x T x F), TopK, vote. */
function exportKnn(m: KnnModel, g: OnnxGraph, input: string): OnnxOutputs {
  const x = toDouble(g, input);
  const [xn] = g.node('ReduceSumSquare', [x], { axes: attr.ints([1]), keepdims: attr.int(1) });
  const trainT = new Float64Array(m.f * m.t);
  for (let j = 0; j < m.t; j++) for (let c = 0; c < m.f; c++) trainT[c * m.t + j] = m.train[j * m.f + c];
  const [dot] = g.node('MatMul', [x, dconst(g, 'train_t', trainT, [m.f, m.t])]);
  const [dot2] = g.node('Mul', [dot, dconst(g, 'two', [2], [])]);
  const [a] = g.node('Sub', [xn, dot2]);
  const [b] = g.node('Add', [a, dconst(g, 'train_norms', m.norms, [m.t])]);
  const [d2] = g.node('Max', [b, dconst(g, 'zero', [0], [])]);
  const [vals, idx] = g.node(
    'TopK',
    [d2, iconst(g, 'k', [m.k])],
    { axis: attr.int(1), largest: attr.int(0), sorted: attr.int(1) },
    { outputs: 2 },
  );
  let w: string;
  if (m.weights === 'uniform') {
    [w] = g.node('Mul', [vals, dconst(g, 'zero_w', [0], [])]);
    [w] = g.node('Add', [w, dconst(g, 'one_w', [1], [])]);
  } else {
    const [dist] = g.node('Sqrt', [vals]);
    const [clipped] = g.node('Max', [dist, dconst(g, 'min_dist', [MIN_DIST], [])]);
    [w] = g.node('Reciprocal', [clipped]);
  }
  const axis1 = iconst(g, 'axis1', [1]);
  const [den] = g.node('ReduceSum', [w, axis1], { keepdims: attr.int(1) });
  const c = m.nClasses;
  if (c === 0) {
    const [yn] = g.node('Gather', [dconst(g, 'train_y', m.y, [m.t]), idx], { axis: attr.int(0) });
    const [wy] = g.node('Mul', [yn, w]);
    const [num] = g.node('ReduceSum', [wy, axis1], { keepdims: attr.int(1) });
    return regressorOutput(g, g.node('Div', [num, den])[0], true);
  }
  const onehot = new Float64Array(m.t * c);
  m.y.forEach((v, j) => {
    onehot[j * c + v] = 1;
  });
  const [votes] = g.node('Gather', [dconst(g, 'train_onehot', onehot, [m.t, c]), idx], { axis: attr.int(0) });
  const [w3] = g.node('Unsqueeze', [w, iconst(g, 'axis2', [2])]);
  const [wv] = g.node('Mul', [votes, w3]);
  const [sum] = g.node('ReduceSum', [wv, axis1], { keepdims: attr.int(0) });
  return classifierOutputs(g, g.node('Div', [sum, den])[0]);
}

/** Brute-force k-nearest neighbours, as scikit-learn's KNeighborsClassifier / Regressor. */
export const knn: Algorithm<KnnParams> = {
  name: 'knn',
  tasks: ['classification', 'regression'],
  description: 'k-nearest neighbours (brute force, Euclidean, uniform or distance weights)',
  params: KnnParamsSchema,
  scaling: 'standard',
  fit(data: FitData, p: KnnParams): FittedModel {
    if (p.n_neighbors > data.X.rows) {
      throw new ValidationError(
        `hyperparameters.n_neighbors: ${p.n_neighbors} is larger than the ${data.X.rows} training rows`,
        'hyperparameters.n_neighbors',
      );
    }
    const train = asFloat32(data.X);
    const m: KnnModel = {
      train,
      t: data.X.rows,
      f: data.X.cols,
      norms: sqNorms(train, data.X.rows, data.X.cols),
      y: Float64Array.from(data.y),
      k: p.n_neighbors,
      weights: p.weights,
      nClasses: data.task === 'classification' ? data.nClasses : 0,
    };
    return { predict: (X) => predictKnn(m, X), exportOnnx: (g, input) => exportKnn(m, g, input) };
  },
};
