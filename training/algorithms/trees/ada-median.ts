import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import type { FittedModel, Matrix, OnnxOutputs, Predictions } from '../types.js';
import { addTreeRegressor } from './onnx-export.js';
import { findLeaf, type Tree, toFloat32 } from './tree.js';

/**
 * AdaBoost.R2's prediction: per row, the estimators' predictions sorted ascending, their
 * weights accumulated (float32, as CumSum does), and the first prediction whose cumulative
 * weight reaches half the total. Ties between equal predictions cannot change the result:
 * the crossing lands in the same group of equal values whatever their order.
 */
export class WeightedMedianModel implements FittedModel {
  constructor(
    readonly trees: readonly Tree[],
    readonly alphas: Float32Array,
  ) {}

  predict(X: Matrix): Predictions {
    const x = toFloat32(X.data);
    const T = this.trees.length;
    const preds = new Float32Array(T);
    const order = new Int32Array(T);
    const values = new Float64Array(X.rows);
    for (let r = 0; r < X.rows; r++) {
      for (let t = 0; t < T; t++) {
        preds[t] = this.trees[t].values[findLeaf(this.trees[t], x, r * X.cols)];
        order[t] = t;
      }
      order.sort((a, b) => preds[a] - preds[b] || a - b);
      const cdf = new Float32Array(T);
      let acc = 0;
      for (let j = 0; j < T; j++) {
        acc = Math.fround(acc + this.alphas[order[j]]);
        cdf[j] = acc;
      }
      const half = Math.fround(cdf[T - 1] * 0.5);
      let j = 0;
      while (j < T - 1 && !(cdf[j] >= half)) j++;
      values[r] = preds[order[j]];
    }
    return { values };
  }

  exportOnnx(g: OnnxGraph, input: string): OnnxOutputs {
    const T = this.trees.length;
    const perTree = this.trees.map((tree, t) => ({ ...tree, target: t }));
    const preds = addTreeRegressor(g, input, perTree, T);
    const k = g.constant('k', { type: 'INT64', data: [T], dims: [1] });
    const [sorted, idx] = g.node(
      'TopK',
      [preds, k],
      { axis: attr.int(1), largest: attr.int(0), sorted: attr.int(1) },
      { outputs: 2 },
    );
    const alphas = g.constant('alphas', { type: 'FLOAT', data: this.alphas, dims: [T] });
    const [w] = g.node('Gather', [alphas, idx]);
    const axis = g.constant('axis', { type: 'INT64', data: [1], dims: [] });
    const [cdf] = g.node('CumSum', [w, axis]);
    const starts = g.constant('starts', { type: 'INT64', data: [T - 1], dims: [1] });
    const ends = g.constant('ends', { type: 'INT64', data: [T], dims: [1] });
    const axes = g.constant('axes', { type: 'INT64', data: [1], dims: [1] });
    const [total] = g.node('Slice', [cdf, starts, ends, axes]);
    const halfConst = g.constant('half', { type: 'FLOAT', data: [0.5], dims: [1] });
    const [half] = g.node('Mul', [total, halfConst]);
    const [reached] = g.node('GreaterOrEqual', [cdf, half]);
    const [asFloat] = g.node('Cast', [reached], { to: attr.int(1) });
    const [first] = g.node('ArgMax', [asFloat], { axis: attr.int(1), keepdims: attr.int(1) });
    const [variable] = g.node('GatherElements', [sorted, first], { axis: attr.int(1) });
    return { variable };
  }
}
