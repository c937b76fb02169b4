import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { OnnxGraph } from '../../core/ml/onnx/index.js';
import type { FittedModel, Matrix, Predictions } from '../../training/algorithms/types.js';

export interface Dataset {
  readonly X: Matrix;
  readonly y: Float64Array;
  readonly nClasses: number;
}

/** Loads a built-in dataset (all numeric, `target` last). */
export function loadDataset(name: string): Dataset {
  const lines = readFileSync(new URL(`../../datasets/${name}.csv`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const rows = lines.map((l) => l.split(',').map(Number));
  const cols = rows[0].length - 1;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r.slice(0, cols), i * cols));
  const y = Float64Array.from(rows, (r) => r[cols]);
  const nClasses = name === 'diabetes' ? 0 : Math.max(...y) + 1;
  return { X: { data, rows: rows.length, cols }, y, nClasses };
}

export function takeRows(X: Matrix, idx: ArrayLike<number>): Matrix {
  const data = new Float64Array(idx.length * X.cols);
  for (let k = 0; k < idx.length; k++)
    data.set(X.data.subarray(idx[k] * X.cols, (idx[k] + 1) * X.cols), k * X.cols);
  return { data, rows: idx.length, cols: X.cols };
}

export function take(v: Float64Array, idx: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: idx.length }, (_, k) => v[idx[k]]);
}

/** Standard scaling fitted on `fitOn` (zero-variance columns keep scale 1, as scikit-learn). */
export interface Scaler {
  readonly mean: Float32Array;
  readonly scale: Float32Array;
}

export function fitScaler(X: Matrix): Scaler {
  const mean = new Float64Array(X.cols);
  const sq = new Float64Array(X.cols);
  for (let r = 0; r < X.rows; r++)
    for (let c = 0; c < X.cols; c++) mean[c] += X.data[r * X.cols + c] / X.rows;
  for (let r = 0; r < X.rows; r++)
    for (let c = 0; c < X.cols; c++) sq[c] += (X.data[r * X.cols + c] - mean[c]) ** 2 / X.rows;
  return { mean: Float32Array.from(mean), scale: Float32Array.from(sq, (v) => (v > 0 ? Math.sqrt(v) : 1)) };
}

/** Scales as the graph's float32 Sub and Div do, so the model sees the very same numbers. */
export function applyScaler(s: Scaler | undefined, X: Matrix): Matrix {
  if (!s) return { ...X, data: Float64Array.from(Float32Array.from(X.data)) };
  const f = Math.fround;
  const data = Float64Array.from(X.data, (v, i) => f(f(f(v) - s.mean[i % X.cols]) / s.scale[i % X.cols]));
  return { data, rows: X.rows, cols: X.cols };
}

/** Runs `model` exported behind an optional float32 scaling prefix through onnxruntime-node. */
export async function runOnnx(
  model: FittedModel,
  X: Matrix,
  scaler?: Scaler,
): Promise<Record<string, ort.Tensor>> {
  const g = new OnnxGraph('test');
  let x = g.input('numeric', { type: 'FLOAT', dims: ['N', X.cols] });
  if (scaler) {
    const [c] = g.node('Sub', [x, g.constant('mean', { type: 'FLOAT', data: scaler.mean, dims: [X.cols] })]);
    [x] = g.node('Div', [c, g.constant('scale', { type: 'FLOAT', data: scaler.scale, dims: [X.cols] })]);
  }
  const outs = model.exportOnnx(g, x);
  if (outs.label) g.output(outs.label, 'label', { type: 'INT64', dims: ['N'] });
  if (outs.probabilities) g.output(outs.probabilities, 'probabilities', { type: 'FLOAT', dims: ['N', 'C'] });
  if (outs.variable) g.output(outs.variable, 'variable', { type: 'FLOAT', dims: ['N', 1] });
  if (outs.cluster) g.output(outs.cluster, 'cluster', { type: 'INT64', dims: ['N'] });
  if (outs.distances) g.output(outs.distances, 'distances', { type: 'FLOAT', dims: ['N', 'K'] });
  const session = await ort.InferenceSession.create(g.toBytes());
  try {
    return await session.run({
      numeric: new ort.Tensor('float32', Float32Array.from(X.data), [X.rows, X.cols]),
    });
  } finally {
    await session.release();
  }
}

/** Largest absolute difference between two arrays (Infinity when lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isNaN(m) ? Number.POSITIVE_INFINITY : m;
}

/** Rows whose int64 ONNX label differs from the trainer's label. */
export function labelMismatches(onnx: ort.Tensor | undefined, mine: Int32Array | undefined): number {
  if (!onnx || !mine) return Number.POSITIVE_INFINITY;
  const got = onnx.data as BigInt64Array;
  let bad = got.length === mine.length ? 0 : Number.POSITIVE_INFINITY;
  for (let i = 0; i < mine.length; i++) if (Number(got[i]) !== mine[i]) bad++;
  return bad;
}

/** Compares every output the trainer predicted with what onnxruntime produced. */
export function parityReport(onnx: Record<string, ort.Tensor>, p: Predictions) {
  return {
    label: p.labels ? labelMismatches(onnx.label, p.labels) : 0,
    cluster: p.clusters ? labelMismatches(onnx.cluster, p.clusters) : 0,
    probabilities: p.probabilities ? maxAbsDiff(onnx.probabilities.data as Float32Array, p.probabilities) : 0,
    variable: p.values ? maxAbsDiff(onnx.variable.data as Float32Array, p.values) : 0,
    distances: p.distances ? maxAbsDiff(onnx.distances.data as Float32Array, p.distances) : 0,
  };
}
