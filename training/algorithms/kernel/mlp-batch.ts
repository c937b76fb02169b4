import { gemmNT, transposeInto } from './dense.js';
import { type Activation, activate, type Net, transposedWeights } from './mlp-net.js';

/** delta *= f'(z), written through the activation's output `act` (first `len` values). */
function derivativeInPlace(delta: Float64Array, act: Float64Array, a: Activation, len: number): void {
  if (a === 'relu') for (let i = 0; i < len; i++) delta[i] = act[i] > 0 ? delta[i] : 0;
  else if (a === 'tanh') for (let i = 0; i < len; i++) delta[i] *= 1 - act[i] * act[i];
  else if (a === 'logistic') for (let i = 0; i < len; i++) delta[i] *= act[i] * (1 - act[i]);
}

/**
 * One mini-batch's loss and gradients on buffers allocated once for batches of up to `batch`
 * rows and reused for every batch: the fit allocates nothing per batch. The caller writes the
 * batch's inputs into `x` (row-major [rows, sizes[0]]) and targets into `y`; gradients land in
 * gW / gb. Weights are read from `net` on every call (Adam updates them in place).
 */
export class MlpBatch {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly gW: Float64Array[];
  readonly gb: Float64Array[];
  private readonly acts: Float64Array[];
  private readonly Wt: Float64Array[];
  private readonly actT: Float64Array;
  private deltaA: Float64Array;
  private deltaB: Float64Array;
  private readonly deltaT: Float64Array;

  constructor(
    private readonly net: Net,
    batch: number,
  ) {
    const { sizes } = net;
    const widest = Math.max(...sizes);
    this.acts = sizes.map((s) => new Float64Array(batch * s));
    this.x = this.acts[0];
    this.y = new Float64Array(batch * sizes[sizes.length - 1]);
    this.Wt = net.W.map((W) => new Float64Array(W.length));
    this.gW = net.W.map((W) => new Float64Array(W.length));
    this.gb = net.b.map((b) => new Float64Array(b.length));
    this.actT = new Float64Array(batch * widest);
    this.deltaA = new Float64Array(batch * widest);
    this.deltaB = new Float64Array(batch * widest);
    this.deltaT = new Float64Array(batch * widest);
  }

  /**
   * Loss (cross-entropy or half squared error, plus 0.5 alpha |W|^2 / rows) and its gradients,
   * as scikit-learn's MLP computes them, summed in the same order as the unbuffered version.
   */
  lossAndGrads(rows: number, alpha: number): number {
    const { net, acts } = this;
    const L = net.W.length;
    transposedWeights(net, this.Wt);
    for (let l = 0; l < L; l++) {
      const fout = net.sizes[l + 1];
      // ReLU is applied as the products are stored; other activations take a pass of their own.
      const a = l === L - 1 ? net.out : net.activation;
      gemmNT(acts[l], this.Wt[l], rows, net.sizes[l], fout, acts[l + 1], net.b[l], a === 'relu');
      if (a !== 'relu') activate(acts[l + 1], a, fout, rows * fout);
    }
    const loss = this.loss(rows, alpha);
    const out = acts[L];
    const n = rows * net.sizes[L];
    for (let i = 0; i < n; i++) this.deltaA[i] = out[i] - this.y[i];
    for (let l = L - 1; l >= 0; l--) this.backLayer(l, rows, alpha);
    return loss;
  }

  private loss(rows: number, alpha: number): number {
    const { net, y } = this;
    const out = this.acts[net.W.length];
    const n = rows * net.sizes[net.W.length];
    let loss = 0;
    if (net.out === 'softmax')
      for (let i = 0; i < n; i++) loss += y[i] > 0 ? -y[i] * Math.log(Math.max(out[i], 1e-15)) : 0;
    else for (let i = 0; i < n; i++) loss += 0.5 * (out[i] - y[i]) ** 2;
    loss /= rows;
    let wSq = 0;
    for (const W of net.W) for (let i = 0; i < W.length; i++) wSq += W[i] * W[i];
    return loss + (0.5 * alpha * wSq) / rows;
  }

  /** Gradients of layer l from deltaA (its output's delta); leaves layer l-1's delta in deltaA. */
  private backLayer(l: number, rows: number, alpha: number): void {
    const { net } = this;
    const [fin, fout] = [net.sizes[l], net.sizes[l + 1]];
    const delta = this.deltaA;
    const g = this.gW[l];
    const W = net.W[l];
    // gW = act^T @ delta as row dot products over the batch: both operands transposed first.
    transposeInto(this.acts[l], rows, fin, this.actT);
    transposeInto(delta, rows, fout, this.deltaT);
    gemmNT(this.actT, this.deltaT, fin, rows, fout, g);
    for (let i = 0; i < g.length; i++) g[i] = (g[i] + alpha * W[i]) / rows;
    const gb = this.gb[l];
    for (let j = 0; j < fout; j++) {
      let s = 0;
      for (let r = 0, o = j * rows; r < rows; r++) s += this.deltaT[o + r] / rows;
      gb[j] = s;
    }
    if (l === 0) return;
    gemmNT(delta, W, rows, fout, fin, this.deltaB);
    derivativeInPlace(this.deltaB, this.acts[l], net.activation, rows * fin);
    this.deltaA = this.deltaB;
    this.deltaB = delta;
  }
}
