import { type MlpParams, MlpParamsSchema } from '../../../contracts/hyperparameters/kernel.js';
import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import { createRng, shuffleInPlace } from '../../../core/ml/random.js';
import type { Algorithm, FitData, FittedModel, OnnxOutputs } from '../types.js';
import {
  affine,
  argmaxRows,
  asFloat32,
  classifierOutputs,
  f32,
  regressorOutput,
  toDouble,
} from './graph-ops.js';
import { MlpBatch } from './mlp-batch.js';
import { activate, forward, initNet, type Net } from './mlp-net.js';

const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPS = 1e-8;

/**
 * One-hot classes, or the regression target standardised (mean, std returned): unscaled targets
 * (diabetes: 25..346) leave Adam at lr 1e-3 far from the data after 200 epochs.
 */
function targets(data: FitData): { Y: Float64Array; width: number; mean: number; std: number } {
  if (data.task !== 'classification') {
    const n = data.y.length;
    const mean = data.y.reduce((s, v) => s + v, 0) / n;
    const std = Math.sqrt(data.y.reduce((s, v) => s + (v - mean) ** 2, 0) / n) || 1;
    return { Y: data.y.map((v) => (v - mean) / std), width: 1, mean, std };
  }
  const Y = new Float64Array(data.X.rows * data.nClasses);
  data.y.forEach((c, r) => {
    Y[r * data.nClasses + c] = 1;
  });
  return { Y, width: data.nClasses, mean: 0, std: 1 };
}

/** One Adam step on every weight and bias, in place (moments m, v laid out as params). */
function adamStep(
  params: Float64Array[],
  grads: Float64Array[],
  m: Float64Array[],
  v: Float64Array[],
  lr: number,
): void {
  for (let i = 0; i < params.length; i++) {
    const [P, g, M, V] = [params[i], grads[i], m[i], v[i]];
    for (let j = 0; j < g.length; j++) {
      M[j] = BETA1 * M[j] + (1 - BETA1) * g[j];
      V[j] = BETA2 * V[j] + (1 - BETA2) * g[j] * g[j];
      P[j] -= (lr * M[j]) / (Math.sqrt(V[j]) + ADAM_EPS);
    }
  }
}

/** Copies the rows order[start .. start+rows) of src (width w) into dst, packed. */
function gatherRows(
  src: Float64Array,
  order: Int32Array,
  start: number,
  rows: number,
  w: number,
  dst: Float64Array,
): void {
  for (let k = 0; k < rows; k++) {
    const s = order[start + k] * w;
    const d = k * w;
    for (let j = 0; j < w; j++) dst[d + j] = src[s + j];
  }
}

/**
 * Mini-batch Adam as scikit-learn's MLP: shuffled batches of min(batch_size, n) rows, and a stop
 * once the epoch's training loss has not improved by `tol` for more than n_iter_no_change epochs.
 */
function train(data: FitData, p: MlpParams): Net {
  const { X } = data;
  const { Y, width, mean, std } = targets(data);
  const rng = createRng(p.seed ?? data.seed);
  const net = initNet(
    [X.cols, ...p.hidden_layer_sizes, width],
    p.activation,
    data.task === 'classification' ? 'softmax' : 'identity',
    rng,
  );
  const params = [...net.W, ...net.b];
  const m = params.map((a) => new Float64Array(a.length));
  const v = params.map((a) => new Float64Array(a.length));
  const x = asFloat32(X);
  const n = X.rows;
  const batch = Math.min(p.batch_size, n);
  const work = new MlpBatch(net, batch);
  const grads = [...work.gW, ...work.gb];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let step = 0;
  let best = Number.POSITIVE_INFINITY;
  let stale = 0;
  for (let epoch = 0; epoch < p.max_iter; epoch++) {
    shuffleInPlace(order, rng);
    let epochLoss = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      gatherRows(x, order, start, rows, X.cols, work.x);
      gatherRows(Y, order, start, rows, width, work.y);
      const loss = work.lossAndGrads(rows, p.alpha);
      epochLoss += loss * rows;
      step++;
      const lr = (p.learning_rate_init * Math.sqrt(1 - BETA2 ** step)) / (1 - BETA1 ** step);
      adamStep(params, grads, m, v, lr);
    }
    epochLoss /= n;
    stale = epochLoss > best - p.tol ? stale + 1 : 0;
    best = Math.min(best, epochLoss);
    if (stale > p.n_iter_no_change) break;
  }
  // Fold the target scaling into the output layer, so the graph predicts in the target's units.
  const last = net.W.length - 1;
  net.W[last].forEach((w, i) => {
    net.W[last][i] = w * std;
  });
  net.b[last].forEach((b, i) => {
    net.b[last][i] = b * std + mean;
  });
  return net;
}

function exportNet(net: Net, g: OnnxGraph, input: string): OnnxOutputs {
  let h = toDouble(g, input);
  const last = net.W.length - 1;
  const op = { relu: 'Relu', tanh: 'Tanh', logistic: 'Sigmoid', identity: 'Identity' }[net.activation];
  net.W.forEach((W, l) => {
    h = affine(g, h, W, net.b[l], net.sizes[l], net.sizes[l + 1]);
    if (l < last) [h] = g.node(op, [h]);
  });
  if (net.out === 'identity') return regressorOutput(g, h, true);
  const [probs] = g.node('Softmax', [h], { axis: attr.int(1) });
  return classifierOutputs(g, probs, h);
}

/** Multi-layer perceptron, as scikit-learn's MLPClassifier / MLPRegressor (softmax output for every class count). */
export const mlp: Algorithm<MlpParams> = {
  name: 'mlp',
  tasks: ['classification', 'regression'],
  description: 'Multi-layer perceptron (ReLU, Adam, L2, stops when the training loss stalls)',
  params: MlpParamsSchema,
  scaling: 'standard',
  fit(data: FitData, p: MlpParams): FittedModel {
    const net = train(data, p);
    const width = net.sizes[net.sizes.length - 1];
    return {
      predict(X) {
        const acts = forward(net, asFloat32(X), X.rows, true);
        const logits = acts[acts.length - 1];
        if (net.out === 'identity') return { values: f32(logits) };
        // Labels from the logits, as the graph's ArgMax (softmax can round two near-equal classes together).
        const labels = argmaxRows(logits, X.rows, width);
        return { labels, probabilities: f32(activate(Float64Array.from(logits), 'softmax', width)) };
      },
      exportOnnx: (g, input) => exportNet(net, g, input),
    };
  },
};
