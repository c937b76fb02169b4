import type { OnnxGraph } from '../../../core/ml/onnx/index.js';
import type { Matrix } from '../types.js';
import { dconst, pairwiseSq, squaredDistances } from './graph-ops.js';

export type KernelKind = 'rbf' | 'linear' | 'poly' | 'sigmoid';

export interface KernelSpec {
  readonly kind: KernelKind;
  readonly gamma: number;
  readonly degree: number;
  readonly coef0: number;
}

/** scikit-learn's gamma: 'scale' = 1 / (n_features * X.var()), 'auto' = 1 / n_features. */
export function resolveGamma(X: Matrix, gamma: 'scale' | 'auto' | number): number {
  if (typeof gamma === 'number') return gamma;
  if (gamma === 'auto') return 1 / X.cols;
  let mean = 0;
  for (const v of X.data) mean += v;
  mean /= X.data.length;
  let v2 = 0;
  for (const v of X.data) v2 += (v - mean) ** 2;
  const variance = v2 / X.data.length;
  return variance > 0 ? 1 / (X.cols * variance) : 1;
}

function dot(a: Float64Array, ia: number, b: ArrayLike<number>, ib: number, f: number): number {
  let s = 0;
  for (let t = 0; t < f; t++) s += a[ia + t] * b[ib + t];
  return s;
}

function fromDot(spec: KernelSpec, d: number): number {
  if (spec.kind === 'linear') return d;
  if (spec.kind === 'poly') return (spec.gamma * d + spec.coef0) ** spec.degree;
  return Math.tanh(spec.gamma * d + spec.coef0);
}

/** K(rows of A, rows of B) row-major [n, m] (float64, the formula the graph uses). */
export function kernelMatrix(
  spec: KernelSpec,
  A: Float64Array,
  n: number,
  B: ArrayLike<number>,
  m: number,
  f: number,
): Float64Array {
  if (spec.kind === 'rbf') {
    const out = pairwiseSq(A, n, B, m, f);
    for (let i = 0; i < out.length; i++) out[i] = Math.exp(out[i] * -spec.gamma);
    return out;
  }
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) out[i * m + j] = fromDot(spec, dot(A, i * f, B, j * f, f));
  return out;
}

/**
 * Rows of Q_ij = s_i s_j K(x_i, x_j) over a subset of training rows (s = signs, or all +1),
 * cached so the Gram matrix fills lazily; also returns Q's diagonal.
 */
export function kernelRows(
  spec: KernelSpec,
  X: Matrix,
  idx: Int32Array,
  sign?: Int8Array,
): { row: (i: number) => Float64Array; diag: Float64Array } {
  const f = X.cols;
  const sub = new Float64Array(idx.length * f);
  idx.forEach((r, k) => sub.set(X.data.subarray(r * f, r * f + f), k * f));
  const cache = new Map<number, Float64Array>();
  const row = (i: number) => {
    let r = cache.get(i);
    if (!r) {
      if (cache.size * idx.length > 25_000_000) cache.clear(); // ~200 MB of cached rows at most
      r = kernelMatrix(spec, sub.subarray(i * f, i * f + f), 1, sub, idx.length, f);
      if (sign) for (let j = 0; j < r.length; j++) r[j] *= sign[i] * sign[j];
      cache.set(i, r);
    }
    return r;
  };
  const diag = Float64Array.from(
    idx,
    (_, i) => kernelMatrix(spec, sub.subarray(i * f, i * f + f), 1, sub.subarray(i * f, i * f + f), 1, f)[0],
  );
  return { row, diag };
}

/** Graph: K(x, SV) float64 [N, S] for float64 rows `x`. */
export function kernelGraph(
  g: OnnxGraph,
  x: string,
  spec: KernelSpec,
  sv: Float64Array,
  s: number,
  f: number,
): string {
  if (spec.kind === 'rbf') {
    const d = squaredDistances(g, x, sv, s, f);
    const [scaled] = g.node('Mul', [d, dconst(g, 'neg_gamma', [-spec.gamma], [])]);
    return g.node('Exp', [scaled])[0];
  }
  const svT = new Float64Array(f * s);
  for (let i = 0; i < s; i++) for (let t = 0; t < f; t++) svT[t * s + i] = sv[i * f + t];
  const [d] = g.node('MatMul', [x, dconst(g, 'sv_t', svT, [f, s])]);
  if (spec.kind === 'linear') return d;
  const [gd] = g.node('Mul', [d, dconst(g, 'gamma', [spec.gamma], [])]);
  const [z] = g.node('Add', [gd, dconst(g, 'coef0', [spec.coef0], [])]);
  if (spec.kind === 'poly') return g.node('Pow', [z, dconst(g, 'degree', [spec.degree], [])])[0];
  return g.node('Tanh', [z], {})[0];
}
