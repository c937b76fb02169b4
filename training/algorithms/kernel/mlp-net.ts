import type { Rng } from '../../../core/ml/random.js';
import { matmul, matmulABt, matmulAtB } from './dense.js';

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

function activate(v: Float64Array, a: Activation | 'softmax', width: number): Float64Array {
  if (a === 'relu') for (let i = 0; i < v.length; i++) v[i] = v[i] > 0 ? v[i] : 0;
  else if (a === 'tanh') for (let i = 0; i < v.length; i++) v[i] = Math.tanh(v[i]);
  else if (a === 'logistic') for (let i = 0; i < v.length; i++) v[i] = 1 / (1 + Math.exp(-v[i]));
  else if (a === 'softmax') {
    for (let o = 0; o < v.length; o += width) {
      let m = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < width; k++) m = Math.max(m, v[o + k]);
      let s = 0;
      for (let k = 0; k < width; k++) s += v[o + k] = Math.exp(v[o + k] - m);
      for (let k = 0; k < width; k++) v[o + k] /= s;
    }
  }
  return v;
}

/** Activations of every layer for `rows` inputs (index 0 is the input itself). */
export function forward(net: Net, X: Float64Array, rows: number): Float64Array[] {
  const acts = [X];
  const last = net.W.length - 1;
  net.W.forEach((W, l) => {
    const z = matmul(acts[l], W, rows, net.sizes[l], net.sizes[l + 1], net.b[l]);
    acts.push(activate(z, l === last ? net.out : net.activation, net.sizes[l + 1]));
  });
  return acts;
}

function derivativeInPlace(delta: Float64Array, act: Float64Array, a: Activation): void {
  for (let i = 0; i < delta.length; i++) {
    if (a === 'relu') delta[i] = act[i] > 0 ? delta[i] : 0;
    else if (a === 'tanh') delta[i] *= 1 - act[i] * act[i];
    else if (a === 'logistic') delta[i] *= act[i] * (1 - act[i]);
  }
}

/**
 * Loss (cross-entropy or half squared error, plus 0.5 alpha |W|^2 / rows) and its gradients for
 * one batch, as scikit-learn's MLP computes them.
 */
export function lossAndGrads(net: Net, X: Float64Array, Y: Float64Array, rows: number, alpha: number) {
  const acts = forward(net, X, rows);
  const L = net.W.length;
  const out = acts[L];
  let loss = 0;
  for (let i = 0; i < out.length; i++) {
    loss += net.out === 'softmax' ? (Y[i] > 0 ? -Y[i] * Math.log(Math.max(out[i], 1e-15)) : 0) : 0.5 * (out[i] - Y[i]) ** 2;
  }
  loss /= rows;
  let wSq = 0;
  for (const W of net.W) for (const w of W) wSq += w * w;
  loss += (0.5 * alpha * wSq) / rows;
  const gW: Float64Array[] = new Array(L);
  const gb: Float64Array[] = new Array(L);
  let delta: Float64Array = Float64Array.from(out, (v, i) => v - Y[i]);
  for (let l = L - 1; l >= 0; l--) {
    const [fin, fout] = [net.sizes[l], net.sizes[l + 1]];
    const g = matmulAtB(acts[l], delta, rows, fin, fout);
    for (let i = 0; i < g.length; i++) g[i] = (g[i] + alpha * net.W[l][i]) / rows;
    gW[l] = g;
    gb[l] = new Float64Array(fout);
    for (let r = 0; r < rows; r++) for (let j = 0; j < fout; j++) gb[l][j] += delta[r * fout + j] / rows;
    if (l > 0) {
      delta = matmulABt(delta, net.W[l], rows, fout, fin);
      derivativeInPlace(delta, acts[l], net.activation);
    }
  }
  return { loss, gW, gb };
}
