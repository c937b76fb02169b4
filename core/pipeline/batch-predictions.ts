import type * as ort from 'onnxruntime-node';
import type { ModelContract } from '../../contracts/model-contract.js';
import { decodeOutputs } from '../ml/onnx-io.js';
import { predictionValue } from './score-csv.js';

/**
 * One run's predictions as the metrics and the baseline read them, without a Prediction object
 * per row: `yPred` (the label's class index, -1 unknown, or the regression value), `probs` (row-major,
 * one per contract class, `p.probabilities?.[c] ?? 0`) and `values` (`predictionValue`).
 */
export interface BatchPredictions {
  readonly yPred: ArrayLike<number>;
  readonly probs: ArrayLike<number>;
  readonly values: ArrayLike<string | number | null>;
}

function int64s(tensor: ort.Tensor): ArrayLike<number | bigint> {
  return tensor.data as ArrayLike<number | bigint>;
}

/**
 * For each contract class, where `p.probabilities[c]` comes from: the output column whose key
 * (`classNames`) is c (the last, as an object keeps the last write), 0 for none, NaN for a key
 * an object inherits (`constructor`): what `?? 0` then Float64Array make of it.
 */
function probabilitySources(contract: ModelContract, width: number): number[] {
  const keys: Record<string, unknown> = {};
  for (let k = 0; k < width; k++) keys[contract.classes?.[k] ?? String(k)] = k;
  return (contract.classes ?? []).map((c) => {
    const v = keys[c];
    if (typeof v === 'number') return v;
    return v === undefined || v === null ? -1 : -2;
  });
}

/** `decodeOutputs` + `predictionValue` + the metrics' reading, column-wise; see BatchPredictions. */
export function batchPredictions(
  contract: ModelContract,
  outputs: Readonly<Record<string, ort.Tensor>>,
  n: number,
): BatchPredictions {
  const { label, probabilities, variable } = outputs;
  const classification = contract.task === 'classification';
  if (classification && label) return classified(contract, label, probabilities, n);
  if (!classification && variable && !label) {
    const data = variable.data as Float32Array;
    const width = variable.dims.length > 1 ? Number(variable.dims[variable.dims.length - 1]) : 1;
    const yPred = new Float64Array(n);
    for (let i = 0; i < n; i++) yPred[i] = data[i * width]!;
    return { yPred, probs: [], values: yPred };
  }
  return fromPredictions(contract, outputs, n);
}

function classified(
  contract: ModelContract,
  label: ort.Tensor,
  probabilities: ort.Tensor | undefined,
  n: number,
): BatchPredictions {
  const classes = contract.classes ?? [];
  const index = new Map(classes.map((c, i) => [c, i]));
  const seen = new Map<number, { y: number; value: string }>();
  const labels = int64s(label);
  const yPred = new Float64Array(n);
  const values = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const idx = Number(labels[i]);
    let known = seen.get(idx);
    if (!known) {
      const value = String(contract.classes?.[idx] ?? idx);
      known = { y: index.get(value) ?? -1, value };
      seen.set(idx, known);
    }
    yPred[i] = known.y;
    values[i] = known.value;
  }
  const probs = new Float64Array(n * classes.length);
  if (probabilities) {
    const data = probabilities.data as Float32Array;
    const width =
      probabilities.dims.length > 1 ? Number(probabilities.dims[probabilities.dims.length - 1]) : 1;
    const sources = probabilitySources(contract, width);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < classes.length; k++) {
        const from = sources[k]!;
        probs[i * classes.length + k] = from >= 0 ? data[i * width + from]! : from === -1 ? 0 : Number.NaN;
      }
  }
  return { yPred, probs, values };
}

/** Any other output set: through the Prediction objects, as the record path reads them. */
function fromPredictions(
  contract: ModelContract,
  outputs: Readonly<Record<string, ort.Tensor>>,
  n: number,
): BatchPredictions {
  const predictions = decodeOutputs(contract, outputs, n);
  const classes = contract.classes ?? [];
  const index = new Map(classes.map((c, i) => [c, i]));
  const classification = contract.task === 'classification';
  const probs = new Float64Array(classification ? n * classes.length : 0);
  predictions.forEach((p, i) =>
    classes.forEach((c, k) => {
      if (classification) probs[i * classes.length + k] = p.probabilities?.[c] ?? 0;
    }),
  );
  return {
    yPred: predictions.map((p) =>
      classification ? (index.get(String(p.label)) ?? -1) : (p.value ?? Number.NaN),
    ),
    probs,
    values: predictions.map(predictionValue),
  };
}
