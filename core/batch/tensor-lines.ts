import type * as ort from 'onnxruntime-node';
import type { ModelContract } from '../../contracts/model-contract.js';
import { csvCell } from './rows.js';

/**
 * CSV output lines written straight from a classifier's or regressor's output tensors: the same
 * text `lineFormatter` writes from `decodeOutputs`' Prediction objects, without building them
 * (a batch has thousands of rows). Undefined when the outputs are not that plain case (another
 * task or output, class names that repeat or do not match the probability width) or when a value
 * is not finite: the caller then takes the Prediction path, which reports it.
 */
export function tensorLines(
  contract: ModelContract,
  outputs: Readonly<Record<string, ort.Tensor>>,
  n: number,
  keyOf: (i: number) => string | number,
  tail: string,
): string[] | undefined {
  const { label, probabilities, variable, cluster, distances } = outputs;
  if (cluster || distances) return undefined;
  const cell = (v: string | number) => (typeof v === 'number' ? String(v) : csvCell(v));
  const lines = new Array<string>(n);
  if (contract.task === 'regression' && variable && !label && !probabilities) {
    const values = variable.data as Float32Array;
    const width = variable.dims.length > 1 ? Number(variable.dims[variable.dims.length - 1]) : 1;
    for (let i = 0; i < n; i++) {
      const v = values[i * width];
      if (!Number.isFinite(v)) return undefined;
      lines[i] = `${cell(keyOf(i))},${v}${tail}`;
    }
    return lines;
  }
  const classes = contract.classes ?? [];
  if (contract.task !== 'classification' || !label || !probabilities || variable) return undefined;
  const width = Number(probabilities.dims[probabilities.dims.length - 1]);
  if (probabilities.dims.length < 2 || width !== classes.length || new Set(classes).size !== width)
    return undefined;
  const probs = probabilities.data as Float32Array;
  const labels = label.data as ArrayLike<number | bigint>;
  const labelCells = classes.map((c) => csvCell(c));
  for (let i = 0; i < n; i++) {
    const idx = Number(labels[i]);
    let line = `${cell(keyOf(i))},${labelCells[idx] ?? String(idx)}`;
    for (let c = 0; c < width; c++) {
      const p = probs[i * width + c];
      if (!Number.isFinite(p)) return undefined;
      line += `,${p}`;
    }
    lines[i] = line + tail;
  }
  return lines;
}
