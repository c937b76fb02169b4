import { type DummyParams, DummyParamsSchema } from '../../../contracts/hyperparameters/linear.js';
import { ValidationError } from '../../../core/errors.js';
import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import type { Algorithm, FitData, FittedModel, Matrix } from '../types.js';
import { argmaxRows } from './linear-model.js';

/** Repeats `row` (length K) for every input row: Shape → first dim → Expand. */
function broadcastRow(g: OnnxGraph, input: string, row: Float64Array): string {
  const K = row.length;
  const [shape] = g.node('Shape', [input]);
  const start = g.constant('zero', { type: 'INT64', data: [0], dims: [1] });
  const end = g.constant('one', { type: 'INT64', data: [1], dims: [1] });
  const [n] = g.node('Slice', [shape, start, end]);
  const k = g.constant('K', { type: 'INT64', data: [K], dims: [1] });
  const [outShape] = g.node('Concat', [n, k], { axis: attr.int(0) });
  const constant = g.constant('constant_row', { type: 'FLOAT', data: row, dims: [1, K] });
  const [out] = g.node('Expand', [constant, outShape]);
  return out;
}

/** A model that predicts the same row for every input. */
function constantModel(row: Float64Array, task: 'classification' | 'regression'): FittedModel {
  const K = row.length;
  return {
    predict(X: Matrix) {
      const out = new Float64Array(X.rows * K);
      for (let i = 0; i < X.rows; i++) out.set(row, i * K);
      if (task === 'regression') return { values: out };
      return { probabilities: out, labels: argmaxRows(out, K) };
    },
    exportOnnx(g: OnnxGraph, input: string) {
      const out = broadcastRow(g, input, row);
      if (task === 'regression') return { variable: out };
      const [label] = g.node('ArgMax', [out], { axis: attr.int(1), keepdims: attr.int(0) });
      return { probabilities: out, label };
    },
  };
}

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fitDummy(data: FitData, p: DummyParams): FittedModel {
  const { y, task } = data;
  const allowed = task === 'classification' ? ['auto', 'prior', 'most_frequent'] : ['auto', 'mean', 'median'];
  if (!allowed.includes(p.strategy)) {
    throw new ValidationError(
      `hyperparameters.strategy: '${p.strategy}' is not a ${task} strategy (${allowed.join(', ')})`,
      'hyperparameters.strategy',
    );
  }
  if (task === 'regression') {
    const value = p.strategy === 'median' ? median(y) : y.reduce((a, b) => a + b, 0) / y.length;
    return constantModel(Float64Array.of(value), 'regression');
  }
  const prior = new Float64Array(data.nClasses);
  for (const c of y) prior[c] += 1 / y.length;
  if (p.strategy === 'most_frequent') {
    const best = argmaxRows(prior, prior.length)[0];
    prior.fill(0);
    prior[best] = 1;
  }
  return constantModel(prior, 'classification');
}

export const dummy: Algorithm<DummyParams> = {
  name: 'dummy',
  tasks: ['classification', 'regression'],
  description: 'Baseline that ignores the features: class prior / most frequent class, or mean / median',
  params: DummyParamsSchema,
  scaling: 'none',
  fit: fitDummy,
};
