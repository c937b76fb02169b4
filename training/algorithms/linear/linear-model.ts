import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import type { FittedModel, Matrix, OnnxOutputs, Predictions } from '../types.js';

/**
 * A fitted linear model: scores = X·W + b with W row-major [D, K]. `softmax` models are
 * classifiers (label = argmax of the scores, probabilities = their softmax); `identity` models
 * are regressors (K = 1, the score is the value). Exports as one Gemm.
 */
export function linearModel(
  W: Float64Array,
  b: Float64Array,
  K: number,
  link: 'softmax' | 'identity',
): FittedModel {
  const D = W.length / K;
  function scores(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) {
      for (let k = 0; k < K; k++) out[i * K + k] = b[k];
      for (let d = 0; d < D; d++) {
        const x = X.data[i * X.cols + d];
        if (x === 0) continue;
        for (let k = 0; k < K; k++) out[i * K + k] += x * W[d * K + k];
      }
    }
    return out;
  }
  return {
    predict(X: Matrix): Predictions {
      const z = scores(X);
      if (link === 'identity') return { values: z };
      return { labels: argmaxRows(z, K), probabilities: softmaxRows(z, K) };
    },
    exportOnnx(g: OnnxGraph, input: string): OnnxOutputs {
      const w = g.constant('W', { type: 'FLOAT', data: W, dims: [D, K] });
      const bias = g.constant('B', { type: 'FLOAT', data: b, dims: [K] });
      const [z] = g.node('Gemm', [input, w, bias]);
      if (link === 'identity') return { variable: z };
      const [probabilities] = g.node('Softmax', [z], { axis: attr.int(1) });
      const [label] = g.node('ArgMax', [z], { axis: attr.int(1), keepdims: attr.int(0) });
      return { label, probabilities };
    },
  };
}

/** Index of the first maximum of each row (as onnxruntime's ArgMax picks). */
export function argmaxRows(z: Float64Array, K: number): Int32Array {
  const n = z.length / K;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (z[i * K + k] > z[i * K + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** Row-wise softmax, stabilized by the row maximum. */
export function softmaxRows(z: Float64Array, K: number): Float64Array {
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length / K; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) max = Math.max(max, z[i * K + k]);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      out[i * K + k] = Math.exp(z[i * K + k] - max);
      sum += out[i * K + k];
    }
    for (let k = 0; k < K; k++) out[i * K + k] /= sum;
  }
  return out;
}

/** Column means of X (for centering when fitting an intercept). */
export function columnMeans(X: Matrix): Float64Array {
  const m = new Float64Array(X.cols);
  for (let i = 0; i < X.rows; i++) for (let d = 0; d < X.cols; d++) m[d] += X.data[i * X.cols + d];
  for (let d = 0; d < X.cols; d++) m[d] /= X.rows || 1;
  return m;
}
