import * as ort from 'onnxruntime-node';
import type { FeatureType, ModelContract } from '../../contracts/model-contract.js';
import type { FeatureRow, Prediction } from '../../contracts/serving.js';
import { ValidationError } from '../errors.js';

/**
 * Request rows <-> ONNX tensors, following docs/conventions.md: inputs grouped by feature type
 * (`numeric` float32 [N, Fnum], `categorical` string [N, Fcat], `text` string [N, Ftext]), each in
 * contract order; outputs `label`, `probabilities`, `variable`, `cluster`, `distances`.
 */

/** Rows to score, with the path each row had in the request (for error messages). */
export interface RowSource {
  readonly rows: readonly FeatureRow[];
  /** Path of the rows as a whole, e.g. `instances` (named when the batch is empty). */
  readonly root: string;
  /** e.g. `features`, `instances[3]`, `dataframe_split.data[3]`. */
  pathOf(index: number): string;
}

type Cell = number | string;

interface FeatureSlot {
  readonly name: string;
  readonly type: FeatureType;
  /** Column within its type group. */
  readonly column: number;
}

function slots(contract: ModelContract): { slots: FeatureSlot[]; counts: Record<FeatureType, number> } {
  const counts: Record<FeatureType, number> = { numeric: 0, categorical: 0, text: 0 };
  const out = contract.features.map((f) => ({ name: f.name, type: f.type, column: counts[f.type]++ }));
  return { slots: out, counts };
}

/** Checks one cell against its feature type; null means missing (NaN numeric, '' string). */
function cell(value: unknown, type: FeatureType, field: string): Cell {
  if (value === null) return type === 'numeric' ? Number.NaN : '';
  if (type === 'numeric') {
    if (typeof value !== 'number') {
      throw new ValidationError(
        `${field}: must be a number (numeric feature), got ${describe(value)}`,
        field,
      );
    }
    if (!Number.isFinite(value)) {
      throw new ValidationError(
        `${field}: must be a finite number, got ${value} (send null for a missing value)`,
        field,
      );
    }
    return value;
  }
  if (typeof value === 'string') return value;
  // Categories are compared as strings: a CSV column of codes (1, 2, 3) is categorical too.
  if (type === 'categorical' && (typeof value === 'number' || typeof value === 'boolean')) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new ValidationError(`${field}: must be a category, got ${value}`, field);
    }
    return String(value);
  }
  throw new ValidationError(`${field}: must be a string (${type} feature), got ${describe(value)}`, field);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Names the first feature of `row` the contract does not know. */
function checkExtra(row: FeatureRow, known: ReadonlySet<string>, path: string, expected: string): void {
  for (const key of Object.keys(row)) {
    if (!known.has(key)) {
      throw new ValidationError(
        `${path}.${key}: unknown feature (the model expects: ${expected})`,
        `${path}.${key}`,
      );
    }
  }
}

/**
 * Validates rows against the model contract and builds the onnxruntime input tensors.
 * Missing, extra and mistyped features throw a ValidationError naming `<row path>.<feature>`.
 *
 * @example
 * const feeds = buildInputTensors(contract, { rows: [{ x: 1 }], root: 'features', pathOf: () => 'features' });
 * const out = await session.run(feeds);
 */
export function buildInputTensors(contract: ModelContract, source: RowSource): Record<string, ort.Tensor> {
  const n = source.rows.length;
  if (n === 0) throw new ValidationError(`${source.root}: at least one row is required`, source.root);
  const { slots: featureSlots, counts } = slots(contract);
  const known = new Set(featureSlots.map((s) => s.name));
  const expected = featureSlots.map((s) => s.name).join(', ');
  const numeric = new Float32Array(n * counts.numeric);
  const categorical: string[] = new Array(n * counts.categorical);
  const text: string[] = new Array(n * counts.text);
  for (let i = 0; i < n; i++) {
    const row = source.rows[i];
    const path = source.pathOf(i);
    for (const slot of featureSlots) {
      const field = `${path}.${slot.name}`;
      if (!Object.hasOwn(row, slot.name)) {
        throw new ValidationError(`${field}: missing feature (send null for a missing value)`, field);
      }
      const value = cell(row[slot.name], slot.type, field);
      if (slot.type === 'numeric') numeric[i * counts.numeric + slot.column] = value as number;
      else if (slot.type === 'categorical')
        categorical[i * counts.categorical + slot.column] = value as string;
      else text[i * counts.text + slot.column] = value as string;
    }
    if (Object.keys(row).length !== featureSlots.length) checkExtra(row, known, path, expected);
  }
  const feeds: Record<string, ort.Tensor> = {};
  if (counts.numeric > 0) feeds.numeric = new ort.Tensor('float32', numeric, [n, counts.numeric]);
  if (counts.categorical > 0)
    feeds.categorical = new ort.Tensor('string', categorical, [n, counts.categorical]);
  if (counts.text > 0) feeds.text = new ort.Tensor('string', text, [n, counts.text]);
  return feeds;
}

function int64At(tensor: ort.Tensor, i: number): number {
  const data = tensor.data;
  return data instanceof BigInt64Array ? Number(data[i]) : Number((data as ArrayLike<number>)[i]);
}

function rowOf(tensor: ort.Tensor, i: number): number[] {
  const width = tensor.dims.length > 1 ? Number(tensor.dims[tensor.dims.length - 1]) : 1;
  const data = tensor.data as Float32Array;
  return Array.from(data.subarray(i * width, (i + 1) * width));
}

/**
 * Turns the fixed-name ONNX outputs into one Prediction per row: class names from the contract,
 * probabilities keyed by class, regression value, cluster and distances.
 */
export function decodeOutputs(
  contract: ModelContract,
  outputs: Readonly<Record<string, ort.Tensor>>,
  n: number,
): Prediction[] {
  const classes = contract.classes;
  const { label, probabilities, variable, cluster, distances } = outputs;
  const predictions: Prediction[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p: Prediction = {};
    if (label) {
      const idx = int64At(label, i);
      p.label = classes?.[idx] ?? idx;
    }
    if (probabilities) {
      const row = rowOf(probabilities, i);
      p.probabilities = Object.fromEntries(row.map((v, c) => [classes?.[c] ?? String(c), v]));
    }
    if (variable) p.value = rowOf(variable, i)[0];
    if (cluster) p.cluster = int64At(cluster, i);
    if (distances) p.distances = rowOf(distances, i);
    predictions[i] = p;
  }
  return predictions;
}
