import {
  type NaiveBayesParams,
  NaiveBayesParamsSchema,
} from '../../../contracts/hyperparameters/neighbors.js';
import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import {
  argmaxRows,
  asFloat32,
  classifierOutputs,
  dconst,
  f32,
  iconst,
  softmaxRows,
  toDouble,
} from '../kernel/graph-ops.js';
import type { Algorithm, FitData, FittedModel, Matrix } from '../types.js';

interface GaussianNb {
  readonly theta: Float64Array;
  /** 0.5 / var, row-major [C, F]. */
  readonly halfInvVar: Float64Array;
  /** log prior - 0.5 * sum log(2 pi var), per class. */
  readonly bias: Float64Array;
  readonly c: number;
  readonly f: number;
}

/** scikit-learn's GaussianNB: per-class means and biased variances + var_smoothing * max feature variance. */
function fitNb(data: FitData, p: NaiveBayesParams): GaussianNb {
  const { X, y, nClasses: c } = data;
  const f = X.cols;
  const x = asFloat32(X);
  const count = new Float64Array(c);
  const theta = new Float64Array(c * f);
  const v = new Float64Array(c * f);
  const mean = new Float64Array(f);
  for (let r = 0; r < X.rows; r++) {
    count[y[r]]++;
    for (let j = 0; j < f; j++) {
      theta[y[r] * f + j] += x[r * f + j];
      mean[j] += x[r * f + j] / X.rows;
    }
  }
  for (let k = 0; k < c; k++) for (let j = 0; j < f; j++) theta[k * f + j] /= Math.max(count[k], 1);
  let maxVar = 0;
  for (let j = 0; j < f; j++) {
    let s = 0;
    for (let r = 0; r < X.rows; r++) s += (x[r * f + j] - mean[j]) ** 2;
    maxVar = Math.max(maxVar, s / X.rows);
  }
  for (let r = 0; r < X.rows; r++)
    for (let j = 0; j < f; j++) v[y[r] * f + j] += (x[r * f + j] - theta[y[r] * f + j]) ** 2;
  const eps = p.var_smoothing * maxVar || Number.MIN_VALUE;
  const halfInvVar = new Float64Array(c * f);
  const bias = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    bias[k] = count[k] > 0 ? Math.log(count[k] / X.rows) : -1e300;
    for (let j = 0; j < f; j++) {
      const vk = v[k * f + j] / Math.max(count[k], 1) + eps;
      halfInvVar[k * f + j] = 0.5 / vk;
      bias[k] -= 0.5 * Math.log(2 * Math.PI * vk);
    }
  }
  return { theta, halfInvVar, bias, c, f };
}

/** Joint log-likelihood [N, C]: bias - sum_j (x_j - theta_kj)^2 * 0.5 / var_kj. */
function jll(m: GaussianNb, X: Matrix): Float64Array {
  const x = asFloat32(X);
  const out = new Float64Array(X.rows * m.c);
  for (let r = 0; r < X.rows; r++) {
    for (let k = 0; k < m.c; k++) {
      let s = 0;
      for (let j = 0; j < m.f; j++) {
        const d = x[r * m.f + j] - m.theta[k * m.f + j];
        s += d * d * m.halfInvVar[k * m.f + j];
      }
      out[r * m.c + k] = m.bias[k] - s;
    }
  }
  return out;
}

function exportNb(m: GaussianNb, g: OnnxGraph, input: string) {
  const x = toDouble(g, input);
  const [x3] = g.node('Unsqueeze', [x, iconst(g, 'axis1', [1])]);
  const [d] = g.node('Sub', [x3, dconst(g, 'theta', m.theta, [1, m.c, m.f])]);
  const [d2] = g.node('Mul', [d, d]);
  const [w] = g.node('Mul', [d2, dconst(g, 'half_inv_var', m.halfInvVar, [1, m.c, m.f])]);
  const [s] = g.node('ReduceSum', [w, iconst(g, 'axis2', [2])], { keepdims: attr.int(0) });
  const [scores] = g.node('Sub', [dconst(g, 'bias', m.bias, [m.c]), s]);
  const [probs] = g.node('Softmax', [scores], { axis: attr.int(1) });
  return classifierOutputs(g, probs, scores);
}

/** Gaussian naive Bayes, as scikit-learn's GaussianNB. */
export const naiveBayes: Algorithm<NaiveBayesParams> = {
  name: 'naive_bayes',
  tasks: ['classification'],
  description: 'Gaussian naive Bayes with variance smoothing',
  params: NaiveBayesParamsSchema,
  scaling: 'none',
  fit(data: FitData, p: NaiveBayesParams): FittedModel {
    const m = fitNb(data, p);
    return {
      predict(X) {
        const scores = jll(m, X);
        const labels = argmaxRows(scores, X.rows, m.c);
        return { labels, probabilities: f32(softmaxRows(scores, X.rows, m.c)) };
      },
      exportOnnx: (g, input) => exportNb(m, g, input),
    };
  },
};
