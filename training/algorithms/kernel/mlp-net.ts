import type { Rng } from '../../../core/ml/random.js';
import { gemmNT, transposeInto } from './dense.js';

export type Activation = 'relu' | 'tanh' | 'logistic' | 'identity';

/** Layer l maps sizes[l] -> sizes[l + 1]; W[l] row-major [sizes[l], sizes[l + 1]]. */
export interface Net {
  readonly sizes: readonly number[];
  readonly W: Float64Array[];
  readonly b: Float64Array[];
  readonly activation: Activation;
  /** 'softmax' for classifiers, 'identity' for regressors. */
  readonly out: 'softmax' | 'identity';
}

/** Glorot-uniform init as scikit-learn: bound sqrt(6 / (fan_in + fan_out)), sqrt(2 / ...) for logistic. */
export function initNet(sizes: readonly number[], activation: Activation, out: Net['out'], rng: Rng): Net {
  const W: Float64Array[] = [];
  const b: Float64Array[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = Math.sqrt((activation === 'logistic' ? 2 : 6) / (sizes[l] + sizes[l + 1]));
    W.push(Float64Array.from({ length: sizes[l] * sizes[l + 1] }, () => (2 * rng.next() - 1) * bound));
    b.push(Float64Array.from({ length: sizes[l + 1] }, () => (2 * rng.next() - 1) * bound));
  }
  return { sizes, W, b, activation, out };
}

/** Applies `a` in place to the first `len` values of v (rows of `width` for softmax). */
export function activate(
  v: Float64Array,
  a: Activation | 'softmax',
  width: number,
  len = v.length,
): Float64Array {
  if (a === 'relu') for (let i = 0; i < len; i++) v[i] = v[i] > 0 ? v[i] : 0;
  else if (a === 'tanh') for (let i = 0; i < len; i++) v[i] = Math.tanh(v[i]);
  else if (a === 'logistic') for (let i = 0; i < len; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
  else if (a === 'softmax') {
    for (let o = 0; o < len; o += width) {
      let m = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < width; k++) m = Math.max(m, v[o + k]);
      let s = 0;
      for (let k = 0; k < width; k++) s += v[o + k] = Math.exp(v[o + k] - m);
      for (let k = 0; k < width; k++) v[o + k] /= s;
    }
  }
  return v;
}

/** Each layer's weights transposed to [sizes[l + 1], sizes[l]], the layout gemmNT reads. */
export function transposedWeights(net: Net, into?: Float64Array[]): Float64Array[] {
  return net.W.map((W, l) => {
    const out = into?.[l] ?? new Float64Array(W.length);
    transposeInto(W, net.sizes[l], net.sizes[l + 1], out);
    return out;
  });
}

/**
 * Activations of every layer for `rows` inputs (index 0 is the input itself); the last layer is
 * left as logits when `logits` is set.
 */
export function forward(net: Net, X: Float64Array, rows: number, logits = false): Float64Array[] {
  const Wt = transposedWeights(net);
  const acts = [X];
  const last = net.W.length - 1;
  for (let l = 0; l <= last; l++) {
    const z = new Float64Array(rows * net.sizes[l + 1]);
    const a = l < last ? net.activation : logits ? 'identity' : net.out;
    gemmNT(acts[l], Wt[l], rows, net.sizes[l], net.sizes[l + 1], z, net.b[l], a === 'relu');
    if (a !== 'relu') activate(z, a, net.sizes[l + 1]);
    acts.push(z);
  }
  return acts;
}
