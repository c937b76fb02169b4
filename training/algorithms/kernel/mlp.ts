import { type MlpParams, MlpParamsSchema } from '../../../contracts/hyperparameters/kernel.js';
import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import { createRng, shuffleInPlace } from '../../../core/ml/random.js';
import type { Algorithm, FitData, FittedModel, OnnxOutputs } from '../types.js';
import { affine, argmaxRows, asFloat32, classifierOutputs, f32, regressorOutput, toDouble } from './graph-ops.js';
import { forward, initNet, lossAndGrads, type Net } from './mlp-net.js';

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

/**
 * Mini-batch Adam as scikit-learn's MLP: shuffled batches of min(batch_size, n) rows, and a stop
 * once the epoch's training loss has not improved by `tol` for more than n_iter_no_change epochs.
 */
function train(data: FitData, p: MlpParams): Net {
  const { X } = data;
  const { Y, width, mean, std } = targets(data);
  const rng = createRng(p.seed ?? data.seed);
  const net = initNet([X.cols, ...p.hidden_layer_sizes, width], p.activation, data.task === 'classification' ? 'softmax' : 'identity', rng);
  const params = [...net.W, ...net.b];
  const m = params.map((a) => new Float64Array(a.length));
  const v = params.map((a) => new Float64Array(a.length));
  const x = asFloat32(X);
  const n = X.rows;
  const batch = Math.min(p.batch_size, n);
  const order = Array.from({ length: n }, (_, i) => i);
  let step = 0;
  let best = Number.POSITIVE_INFINITY;
  let stale = 0;
  for (let epoch = 0; epoch < p.max_iter; epoch++) {
    shuffleInPlace(order, rng);
    let epochLoss = 0;
    for (let start = 0; start < n; start += batch) {
      const rows = order.slice(start, start + batch);
      const xb = new Float64Array(rows.length * X.cols);
      const yb = new Float64Array(rows.length * width);
      rows.forEach((r, k) => {
        xb.set(x.subarray(r * X.cols, (r + 1) * X.cols), k * X.cols);
        yb.set(Y.subarray(r * width, (r + 1) * width), k * width);
      });
      const { loss, gW, gb } = lossAndGrads(net, xb, yb, rows.length, p.alpha);
      epochLoss += loss * rows.length;
      step++;
      const lr = (p.learning_rate_init * Math.sqrt(1 - BETA2 ** step)) / (1 - BETA1 ** step);
      [...gW, ...gb].forEach((g, i) => {
        const [P, M, V] = [params[i], m[i], v[i]];
        for (let j = 0; j < g.length; j++) {
          M[j] = BETA1 * M[j] + (1 - BETA1) * g[j];
          V[j] = BETA2 * V[j] + (1 - BETA2) * g[j] * g[j];
          P[j] -= (lr * M[j]) / (Math.sqrt(V[j]) + ADAM_EPS);
        }
      });
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
        const acts = forward(net, asFloat32(X), X.rows);
        const out = acts[acts.length - 1];
        if (net.out === 'identity') return { values: f32(out) };
        // Labels from the logits, as the graph's ArgMax (softmax can round two near-equal classes together).
        const logits = forward({ ...net, out: 'identity' }, asFloat32(X), X.rows).at(-1) ?? out;
        return { labels: argmaxRows(logits, X.rows, width), probabilities: f32(out) };
      },
      exportOnnx: (g, input) => exportNet(net, g, input),
    };
  },
};
