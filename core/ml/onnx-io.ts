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

/** A contract's feature layout, computed once per contract object (serving reuses contracts). */
interface Layout {
  readonly slots: readonly FeatureSlot[];
  readonly counts: Readonly<Record<FeatureType, number>>;
  readonly names: readonly string[];
  readonly known: ReadonlySet<string>;
  readonly expected: string;
  /** The probability columns' keys, set on first decode (see classNames). */
  probabilityKeys?: readonly string[];
}

const layouts = new WeakMap<ModelContract, Layout>();

function layoutOf(contract: ModelContract): Layout {
  let layout = layouts.get(contract);
  if (!layout) {
    const { slots: featureSlots, counts } = slots(contract);
    const names = featureSlots.map((s) => s.name);
    layout = { slots: featureSlots, counts, names, known: new Set(names), expected: names.join(', ') };
    layouts.set(contract, layout);
  }
  return layout;
}

/** The contract's feature names in order (computed once per contract object). */
export function featureNames(contract: ModelContract): readonly string[] {
  return layoutOf(contract).names;
}

/** Validated rows as flat, row-major columns per type group: what the input tensors hold. */
export interface EncodedRows {
  readonly n: number;
  readonly numeric: Float32Array;
  readonly categorical: string[];
  readonly text: string[];
}

/**
 * Validates rows against the model contract and lays them out for the input tensors.
 * Missing, extra and mistyped features throw a ValidationError naming `<row path>.<feature>`.
 */
export function encodeRows(contract: ModelContract, source: RowSource): EncodedRows {
  const n = source.rows.length;
  if (n === 0) throw new ValidationError(`${source.root}: at least one row is required`, source.root);
  const { slots: featureSlots, counts, known, expected } = layoutOf(contract);
  const numeric = new Float32Array(n * counts.numeric);
  const categorical: string[] = new Array(n * counts.categorical);
  const text: string[] = new Array(n * counts.text);
  for (let i = 0; i < n; i++) {
    const row = source.rows[i];
    for (const slot of featureSlots) {
      // Paths are built only on the error path: a valid row costs no string work.
      if (!Object.hasOwn(row, slot.name)) {
        const field = `${source.pathOf(i)}.${slot.name}`;
        throw new ValidationError(`${field}: missing feature (send null for a missing value)`, field);
      }
      const raw = row[slot.name];
      if (slot.type === 'numeric' && typeof raw === 'number' && Number.isFinite(raw)) {
        numeric[i * counts.numeric + slot.column] = raw;
        continue;
      }
      const value = cell(raw, slot.type, `${source.pathOf(i)}.${slot.name}`);
      if (slot.type === 'numeric') numeric[i * counts.numeric + slot.column] = value as number;
      else if (slot.type === 'categorical')
        categorical[i * counts.categorical + slot.column] = value as string;
      else text[i * counts.text + slot.column] = value as string;
    }
    if (Object.keys(row).length !== featureSlots.length) checkExtra(row, known, source.pathOf(i), expected);
  }
  return { n, numeric, categorical, text };
}

/** Concatenates encoded row sets (same contract) into one, in order. */
export function concatRows(parts: readonly EncodedRows[]): EncodedRows {
  if (parts.length === 1) return parts[0];
  let n = 0;
  let numericLength = 0;
  for (const p of parts) {
    n += p.n;
    numericLength += p.numeric.length;
  }
  const numeric = new Float32Array(numericLength);
  let offset = 0;
  for (const p of parts) {
    numeric.set(p.numeric, offset);
    offset += p.numeric.length;
  }
  return {
    n,
    numeric,
    categorical: parts.flatMap((p) => p.categorical),
    text: parts.flatMap((p) => p.text),
  };
}

/** The onnxruntime input tensors of encoded rows (only the groups the contract has). */
export function tensorsOf(contract: ModelContract, rows: EncodedRows): Record<string, ort.Tensor> {
  const { counts } = layoutOf(contract);
  const feeds: Record<string, ort.Tensor> = {};
  if (counts.numeric > 0) feeds.numeric = new ort.Tensor('float32', rows.numeric, [rows.n, counts.numeric]);
  if (counts.categorical > 0)
    feeds.categorical = new ort.Tensor('string', rows.categorical, [rows.n, counts.categorical]);
  if (counts.text > 0) feeds.text = new ort.Tensor('string', rows.text, [rows.n, counts.text]);
  return feeds;
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
  return tensorsOf(contract, encodeRows(contract, source));
}

function int64At(tensor: ort.Tensor, i: number): number {
  const data = tensor.data;
  return data instanceof BigInt64Array ? Number(data[i]) : Number((data as ArrayLike<number>)[i]);
}

function widthOf(tensor: ort.Tensor): number {
  return tensor.dims.length > 1 ? Number(tensor.dims[tensor.dims.length - 1]) : 1;
}

/**
 * The probability columns' keys: the contract's class names, else the column index. Kept with
 * the contract's layout: a coalesced run decodes once per request it answers.
 */
function classNames(contract: ModelContract, width: number): readonly string[] {
  const layout = layoutOf(contract);
  if (layout.probabilityKeys?.length !== width)
    layout.probabilityKeys = Array.from({ length: width }, (_, c) => contract.classes?.[c] ?? String(c));
  return layout.probabilityKeys;
}

/**
 * Turns the fixed-name ONNX outputs into one Prediction per row: class names from the contract,
 * probabilities keyed by class, regression value, cluster and distances. `start` skips rows
 * (a coalesced run answers several requests, each decodes its own slice).
 */
export function decodeOutputs(
  contract: ModelContract,
  outputs: Readonly<Record<string, ort.Tensor>>,
  n: number,
  start = 0,
): Prediction[] {
  const classes = contract.classes;
  const { label, probabilities, variable, cluster, distances } = outputs;
  const predictions: Prediction[] = new Array(n);
  const names = probabilities ? classNames(contract, widthOf(probabilities)) : [];
  const probs = probabilities?.data as Float32Array | undefined;
  // Widths and data looked up once, not per row (a batch decodes up to 10,000 rows).
  const values = variable?.data as Float32Array | undefined;
  const valueWidth = variable ? widthOf(variable) : 0;
  const dists = distances?.data as Float32Array | undefined;
  const distanceWidth = distances ? widthOf(distances) : 0;
  for (let k = 0; k < n; k++) {
    const i = start + k;
    const p: Prediction = {};
    if (label) {
      const idx = int64At(label, i);
      p.label = classes?.[idx] ?? idx;
    }
    if (probs) {
      const byClass: Record<string, number> = {};
      const at = i * names.length;
      for (let c = 0; c < names.length; c++) byClass[names[c]] = probs[at + c];
      p.probabilities = byClass;
    }
    if (values) p.value = values[i * valueWidth];
    if (cluster) p.cluster = int64At(cluster, i);
    if (dists) p.distances = Array.from(dists.subarray(i * distanceWidth, (i + 1) * distanceWidth));
    predictions[k] = p;
  }
  return predictions;
}
