import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import type { Matrix, OnnxOutputs } from '../types.js';

/**
 * Graph helpers shared by the kernel, neighbour and neural models. These models compute in
 * float64 inside the graph (the float32 input is cast once, exactly): distances and kernel sums
 * then agree with the trainer's float64 `predict` to ~1e-15, so nearest neighbours, votes and
 * argmaxes come out identical, and only the exposed outputs are rounded to float32.
 */
export function toDouble(g: OnnxGraph, input: string): string {
  return g.node('Cast', [input], { to: attr.int(11) })[0];
}

export function toFloat(g: OnnxGraph, value: string): string {
  return g.node('Cast', [value], { to: attr.int(1) })[0];
}

/** A float64 constant. */
export function dconst(
  g: OnnxGraph,
  prefix: string,
  data: ArrayLike<number>,
  dims: readonly number[],
): string {
  return g.constant(prefix, { type: 'DOUBLE', data, dims });
}

/** An int64 constant (axes, shapes, k). */
export function iconst(g: OnnxGraph, prefix: string, data: readonly number[]): string {
  return g.constant(prefix, { type: 'INT64', data, dims: [data.length] });
}

/** `x @ W + b` for a float64 [N, F] value, W row-major [F, C]. */
export function affine(
  g: OnnxGraph,
  x: string,
  W: ArrayLike<number>,
  b: ArrayLike<number>,
  f: number,
  c: number,
): string {
  const w = dconst(g, 'W', W, [f, c]);
  const [mm] = g.node('MatMul', [x, w]);
  return g.node('Add', [mm, dconst(g, 'B', b, [c])])[0];
}

/**
 * Squared Euclidean distances [N, K] from float64 rows `x` [N, F] to `centers` (row-major [K, F]),
 * computed as Sub over a broadcast [N,1,F] - [1,K,F] then ReduceSumSquare: no cancellation.
 */
export function squaredDistances(
  g: OnnxGraph,
  x: string,
  centers: ArrayLike<number>,
  k: number,
  f: number,
): string {
  const [x3] = g.node('Unsqueeze', [x, iconst(g, 'axis1', [1])]);
  const [diff] = g.node('Sub', [x3, dconst(g, 'centers', centers, [1, k, f])]);
  return g.node('ReduceSumSquare', [diff], { axes: attr.ints([2]), keepdims: attr.int(0) })[0];
}

/** Exposes class probabilities (float64 [N, C]) and their argmax as the classifier outputs. */
export function classifierOutputs(g: OnnxGraph, probs: string, scores: string = probs): OnnxOutputs {
  const [label] = g.node('ArgMax', [scores], { axis: attr.int(1), keepdims: attr.int(0) });
  return { label, probabilities: toFloat(g, probs) };
}

/** Exposes float64 [N] or [N, 1] values as the regressor's `variable` [N, 1]. */
export function regressorOutput(g: OnnxGraph, values: string, isColumn: boolean): OnnxOutputs {
  if (isColumn) return { variable: toFloat(g, values) };
  const [col] = g.node('Unsqueeze', [values, iconst(g, 'axis1', [1])]);
  return { variable: toFloat(g, col) };
}

/** The rows as the graph sees them: each value rounded to float32, as the `numeric` input is. */
export function asFloat32(X: Matrix): Float64Array {
  return Float64Array.from(Float32Array.from(X.data));
}

/** Index of the largest value in `v[off .. off+n)`, first on ties (as ArgMax). */
export function argmax(v: ArrayLike<number>, off: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (v[off + k] > v[off + best]) best = k;
  return best;
}

/** Row-wise softmax in place over row-major [rows, c]. */
export function softmaxRows(v: Float64Array, rows: number, c: number): Float64Array {
  for (let r = 0; r < rows; r++) {
    const o = r * c;
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < c; k++) m = Math.max(m, v[o + k]);
    let s = 0;
    for (let k = 0; k < c; k++) {
      v[o + k] = Math.exp(v[o + k] - m);
      s += v[o + k];
    }
    for (let k = 0; k < c; k++) v[o + k] /= s;
  }
  return v;
}

/** Labels as argmax of row-major [rows, c] scores. */
export function argmaxRows(v: ArrayLike<number>, rows: number, c: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = argmax(v, r * c, c);
  return out;
}

/** Squared Euclidean distances row-major [N, K] (float64, same formula as the graph). */
export function pairwiseSq(
  X: Float64Array,
  n: number,
  C: ArrayLike<number>,
  k: number,
  f: number,
): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let t = 0; t < f; t++) {
        const d = X[i * f + t] - C[j * f + t];
        s += d * d;
      }
      out[i * k + j] = s;
    }
  }
  return out;
}

/** Rounds outputs to float32 in place, as the graph's final Cast does. */
export function f32<T extends Float64Array>(v: T): T {
  for (let i = 0; i < v.length; i++) v[i] = Math.fround(v[i]);
  return v;
}
