import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import type { FittedModel, Matrix, OnnxOutputs, Predictions } from '../types.js';
import {
  affine,
  argmaxRows,
  asFloat32,
  classifierOutputs,
  f32,
  regressorOutput,
  softmaxRows,
  toDouble,
} from './graph-ops.js';

/**
 * A fitted linear model: scores = x @ W + b (W row-major [F, C]). `link` turns scores into the
 * exposed outputs: 'identity' (regression, C = 1), 'softmax' (classes), 'ovr-sigmoid'
 * (one-vs-rest logistic scores normalised to sum to 1, as scikit-learn's OvR predict_proba).
 */
export interface LinearModel {
  readonly W: Float64Array;
  readonly b: Float64Array;
  readonly f: number;
  readonly c: number;
  readonly link: 'identity' | 'softmax' | 'ovr-sigmoid';
}

/**
 * One binary decision function d = x.w + b becomes two columns (-d/2, d/2): softmax over them is
 * exactly (1 - sigmoid(d), sigmoid(d)) and the argmax is class 1 iff d > 0.
 */
export function binaryAsTwoColumns(
  w: Float64Array,
  b: number,
  f: number,
): { W: Float64Array; b: Float64Array } {
  const W = new Float64Array(f * 2);
  for (let j = 0; j < f; j++) [W[j * 2], W[j * 2 + 1]] = [-w[j] / 2, w[j] / 2];
  return { W, b: Float64Array.from([-b / 2, b / 2]) };
}

function scores(m: LinearModel, X: Matrix): Float64Array {
  const x = asFloat32(X);
  const out = new Float64Array(X.rows * m.c);
  for (let r = 0; r < X.rows; r++) {
    for (let k = 0; k < m.c; k++) {
      let s = 0;
      for (let j = 0; j < m.f; j++) s += x[r * m.f + j] * m.W[j * m.c + k];
      out[r * m.c + k] = s + m.b[k];
    }
  }
  return out;
}

function ovrSigmoid(s: Float64Array, rows: number, c: number): Float64Array {
  const p = s.map((v) => 1 / (1 + Math.exp(-v)));
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let k = 0; k < c; k++) sum += p[r * c + k];
    for (let k = 0; k < c; k++) p[r * c + k] /= sum;
  }
  return p;
}

export function predictLinear(m: LinearModel, X: Matrix): Predictions {
  const s = scores(m, X);
  if (m.link === 'identity') return { values: f32(s) };
  const labels = argmaxRows(s, X.rows, m.c);
  const probabilities = m.link === 'softmax' ? softmaxRows(s, X.rows, m.c) : ovrSigmoid(s, X.rows, m.c);
  return { labels, probabilities: f32(probabilities) };
}

export function exportLinear(m: LinearModel, g: OnnxGraph, input: string): OnnxOutputs {
  const s = affine(g, toDouble(g, input), m.W, m.b, m.f, m.c);
  if (m.link === 'identity') return regressorOutput(g, s, true);
  if (m.link === 'softmax') return classifierOutputs(g, g.node('Softmax', [s], { axis: attr.int(1) })[0], s);
  const [sig] = g.node('Sigmoid', [s]);
  const [sum] = g.node('ReduceSum', [sig, g.constant('axis1', { type: 'INT64', data: [1], dims: [1] })], {
    keepdims: attr.int(1),
  });
  return classifierOutputs(g, g.node('Div', [sig, sum])[0], s);
}

export function linearFitted(m: LinearModel): FittedModel {
  return { predict: (X) => predictLinear(m, X), exportOnnx: (g, input) => exportLinear(m, g, input) };
}
