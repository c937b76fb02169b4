import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import type { FittedModel, Matrix, OnnxOutputs, Predictions } from '../types.js';
import { addTreeClassifier, addTreeRegressor } from './onnx-export.js';
import { sumTrees } from './sum-trees.js';
import type { Tree } from './tree.js';

/**
 * How the summed leaf outputs become predictions:
 * - `proba`: leaves hold class-probability shares; the sum is the probability vector.
 * - `value`: one regression output (plus `base`).
 * - `sigmoid`: a binary raw score (plus `base`), p1 = sigmoid(raw).
 * - `softmax`: C raw scores (plus `base`), probabilities = softmax(scale * raw).
 */
export type EnsembleOutput =
  | { readonly kind: 'proba'; readonly nClasses: number }
  | { readonly kind: 'value'; readonly base: number }
  | { readonly kind: 'sigmoid'; readonly base: number }
  | { readonly kind: 'softmax'; readonly base: Float32Array; readonly scale: number };

/** Index of the first maximum (ArgMax's and onnxruntime's tie rule). */
function argmax(v: ArrayLike<number>, from: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (v[from + k] > v[from + best]) best = k;
  return best;
}

function predictProba(sums: Float32Array, rows: number, c: number): Predictions {
  const labels = new Int32Array(rows);
  const probabilities = new Float64Array(rows * c);
  for (let r = 0; r < rows; r++) {
    if (c === 2) {
      const p1 = sums[r * 2 + 1];
      labels[r] = p1 > 0.5 ? 1 : 0;
      probabilities[r * 2] = Math.fround(1 - p1);
      probabilities[r * 2 + 1] = p1;
      continue;
    }
    labels[r] = argmax(sums, r * c, c);
    for (let k = 0; k < c; k++) probabilities[r * c + k] = sums[r * c + k];
  }
  return { labels, probabilities };
}

function predictSigmoid(sums: Float32Array, rows: number, base: number): Predictions {
  const labels = new Int32Array(rows);
  const probabilities = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    const raw = Math.fround(sums[r] + base);
    const p1 = Math.fround(1 / (1 + Math.exp(-raw)));
    labels[r] = raw > 0 ? 1 : 0;
    probabilities[r * 2] = Math.fround(1 - p1);
    probabilities[r * 2 + 1] = p1;
  }
  return { labels, probabilities };
}

function predictSoftmax(sums: Float32Array, rows: number, base: Float32Array, scale: number): Predictions {
  const c = base.length;
  const labels = new Int32Array(rows);
  const probabilities = new Float64Array(rows * c);
  const raw = new Float32Array(c);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < c; k++) raw[k] = sums[r * c + k] + base[k];
    labels[r] = argmax(raw, 0, c);
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < c; k++) max = Math.max(max, Math.fround(raw[k] * scale));
    let total = 0;
    for (let k = 0; k < c; k++) total += Math.exp(Math.fround(raw[k] * scale) - max);
    for (let k = 0; k < c; k++) {
      probabilities[r * c + k] = Math.fround(Math.exp(Math.fround(raw[k] * scale) - max) / total);
    }
  }
  return { labels, probabilities };
}

/** Predictions from the row-major float32 sums of the trees' outputs (`rows` x outputs), through `o`. */
export function linkSums(sums: Float32Array, rows: number, o: EnsembleOutput): Predictions {
  switch (o.kind) {
    case 'proba':
      return predictProba(sums, rows, o.nClasses);
    case 'value':
      return { values: Float64Array.from(sums, (s) => Math.fround(s + o.base)) };
    case 'sigmoid':
      return predictSigmoid(sums, rows, o.base);
    case 'softmax':
      return predictSoftmax(sums, rows, o.base, o.scale);
  }
}

/** A fitted tree ensemble: predictions and an ONNX export that compute the same thing. */
export class TreeEnsembleModel implements FittedModel {
  constructor(
    readonly trees: readonly Tree[],
    readonly output: EnsembleOutput,
  ) {}

  private get nOut(): number {
    const o = this.output;
    return o.kind === 'proba' ? o.nClasses : o.kind === 'softmax' ? o.base.length : 1;
  }

  predict(X: Matrix): Predictions {
    return linkSums(sumTrees(this.trees, X, this.nOut), X.rows, this.output);
  }

  exportOnnx(g: OnnxGraph, input: string): OnnxOutputs {
    const o = this.output;
    switch (o.kind) {
      case 'proba': {
        const [label, scores] = addTreeClassifier(g, input, this.trees, o.nClasses);
        return { label, probabilities: o.nClasses === 2 ? binaryProbabilities(g, scores) : scores };
      }
      case 'value':
        return { variable: addTreeRegressor(g, input, this.trees, 1, { base: [o.base] }) };
      case 'sigmoid':
        return exportSigmoid(g, addTreeRegressor(g, input, this.trees, 1, { base: [o.base] }));
      case 'softmax':
        return exportSoftmax(
          g,
          addTreeRegressor(g, input, this.trees, o.base.length, { base: o.base }),
          o.scale,
        );
    }
  }
}

/** onnxruntime's binary scores are [0, p1]: rebuild [1 - p1, p1] from column 1. */
function binaryProbabilities(g: OnnxGraph, scores: string): string {
  const starts = g.constant('starts', { type: 'INT64', data: [1], dims: [1] });
  const ends = g.constant('ends', { type: 'INT64', data: [2], dims: [1] });
  const axes = g.constant('axes', { type: 'INT64', data: [1], dims: [1] });
  const [p1] = g.node('Slice', [scores, starts, ends, axes]);
  return complement(g, p1);
}

/** p1 [N,1] -> [1 - p1, p1] [N,2]. */
function complement(g: OnnxGraph, p1: string): string {
  const one = g.constant('one', { type: 'FLOAT', data: [1], dims: [1] });
  const [p0] = g.node('Sub', [one, p1]);
  const [probabilities] = g.node('Concat', [p0, p1], { axis: attr.int(1) });
  return probabilities;
}

/** raw [N,1] -> probabilities [1 - p1, p1] and label raw > 0. */
function exportSigmoid(g: OnnxGraph, raw: string): OnnxOutputs {
  const [p1] = g.node('Sigmoid', [raw]);
  const probabilities = complement(g, p1);
  const zero = g.constant('zero', { type: 'FLOAT', data: [0], dims: [1] });
  const [positive] = g.node('Greater', [raw, zero]);
  const [asInt] = g.node('Cast', [positive], { to: attr.int(7) });
  const axes = g.constant('axes', { type: 'INT64', data: [1], dims: [1] });
  const [label] = g.node('Squeeze', [asInt, axes]);
  return { label, probabilities };
}

/** raw [N,C] -> softmax(scale * raw) and label argmax(raw). */
function exportSoftmax(g: OnnxGraph, raw: string, scale: number): OnnxOutputs {
  let logits = raw;
  if (scale !== 1) {
    const s = g.constant('scale', { type: 'FLOAT', data: [scale], dims: [1] });
    [logits] = g.node('Mul', [raw, s]);
  }
  const [probabilities] = g.node('Softmax', [logits], { axis: attr.int(1) });
  const [label] = g.node('ArgMax', [raw], { axis: attr.int(1), keepdims: attr.int(0) });
  return { label, probabilities };
}
