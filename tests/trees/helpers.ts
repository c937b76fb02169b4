import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import * as ort from 'onnxruntime-node';
import type { Task } from '../../contracts/model-contract.js';
import { OnnxGraph } from '../../core/ml/onnx/index.js';
import type { FitData, FittedModel, Matrix } from '../../training/algorithms/types.js';

export const CLASSIFICATION_SETS = ['iris', 'wine', 'breast_cancer', 'digits'] as const;

/** A built-in dataset (all columns numeric, `target` last) as a FitData. */
export function loadDataset(name: string, seed = 0): FitData {
  const text = readFileSync(new URL(`../../datasets/${name}.csv`, import.meta.url), 'utf8');
  const rows: string[][] = parse(text, { from_line: 2 });
  const cols = rows[0].length - 1;
  const data = new Float64Array(rows.length * cols);
  const y = new Float64Array(rows.length);
  rows.forEach((row, r) => {
    for (let c = 0; c < cols; c++) data[r * cols + c] = Number(row[c]);
    y[r] = Number(row[cols]);
  });
  const task: Task = name === 'diabetes' ? 'regression' : 'classification';
  const nClasses = task === 'classification' ? Math.max(...y) + 1 : 0;
  return { X: { data, rows: rows.length, cols }, y, task, nClasses, seed };
}

/** The rows `idx` of a FitData. */
export function subset(d: FitData, idx: ArrayLike<number>): FitData {
  const cols = d.X.cols;
  const data = new Float64Array(idx.length * cols);
  const y = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    data.set(d.X.data.subarray(idx[i] * cols, (idx[i] + 1) * cols), i * cols);
    y[i] = d.y[idx[i]];
  }
  return { ...d, X: { data, rows: idx.length, cols }, y };
}

export interface OrtOutputs {
  label?: BigInt64Array;
  probabilities?: Float32Array;
  variable?: Float32Array;
}

/** Exports `model` behind a bare `numeric` input and runs the graph in onnxruntime-node. */
export async function runOnnx(model: FittedModel, X: Matrix, nClasses: number): Promise<OrtOutputs> {
  const g = new OnnxGraph('trees-test');
  const input = g.input('numeric', { type: 'FLOAT', dims: ['N', X.cols] });
  const out = model.exportOnnx(g, input);
  if (out.label) g.output(out.label, 'label', { type: 'INT64', dims: ['N'] });
  if (out.probabilities)
    g.output(out.probabilities, 'probabilities', { type: 'FLOAT', dims: ['N', nClasses] });
  if (out.variable) g.output(out.variable, 'variable', { type: 'FLOAT', dims: ['N', 1] });
  const session = await ort.InferenceSession.create(g.toBytes());
  try {
    const res = await session.run({
      numeric: new ort.Tensor('float32', Float32Array.from(X.data), [X.rows, X.cols]),
    });
    return {
      label: res.label?.data as BigInt64Array | undefined,
      probabilities: res.probabilities?.data as Float32Array | undefined,
      variable: res.variable?.data as Float32Array | undefined,
    };
  } finally {
    await session.release();
  }
}

/** Largest |a - b| / max(1, |b|) over two equally long arrays. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

/** Rows whose ONNX label differs from the trainer's. */
export function labelMismatches(ours: Int32Array, ort: BigInt64Array): number[] {
  const bad: number[] = [];
  for (let i = 0; i < ours.length; i++) if (BigInt(ours[i]) !== ort[i]) bad.push(i);
  if (ours.length !== ort.length) bad.push(-1);
  return bad;
}
