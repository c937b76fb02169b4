import type { Feature, FeatureType } from '../contracts/model-contract.js';
import type { TrainingJobSpec } from '../contracts/training-job.js';
import { findColumn, sortLabels, toFloat64, toStrings } from '../core/data/columns.js';
import type { ParsedCsv } from '../core/data/types.js';
import { ValidationError } from '../core/errors.js';

/**
 * Raw features in the layout of the ONNX inputs (docs/conventions.md): `numeric` row-major
 * float [N, Fnum] with NaN for missing, `categorical` row-major strings [N, Fcat] with '' for
 * missing. Serving, the parity tests and the trainer all feed models from this shape.
 */
export interface FeatureFrame {
  readonly rows: number;
  readonly numericNames: readonly string[];
  readonly numeric: Float64Array;
  readonly categoricalNames: readonly string[];
  readonly categorical: readonly string[];
}

/** The features a job uses, in contract order, with their types. */
export interface FeatureSpec {
  readonly name: string;
  readonly type: Exclude<FeatureType, 'text'>;
}

/** Picks the job's features (default: every non-text column but the target) and checks them. */
export function selectFeatures(csv: ParsedCsv, job: TrainingJobSpec): FeatureSpec[] {
  const names =
    job.features ?? csv.columns.filter((c) => c.name !== job.target && c.type !== 'text').map((c) => c.name);
  if (names.length === 0)
    throw new ValidationError('features: no usable feature column in the data', 'features');
  return names.map((name, i) => {
    const field = `features.${i}`;
    if (name === job.target) throw new ValidationError(`${field}: '${name}' is the target`, field);
    const column = findColumn(csv, name, field);
    if (column.type === 'text') {
      throw new ValidationError(
        `${field}: column '${name}' is text; this trainer takes numeric and categorical features`,
        field,
      );
    }
    return { name, type: column.type };
  });
}

/** Builds the frame for `features` from a parsed CSV (train or test). */
export function buildFrame(csv: ParsedCsv, features: readonly FeatureSpec[]): FeatureFrame {
  const rows = csv.schema.rowCount;
  const numericSpecs = features.filter((f) => f.type === 'numeric');
  const categoricalSpecs = features.filter((f) => f.type === 'categorical');
  const numeric = new Float64Array(rows * numericSpecs.length);
  numericSpecs.forEach((f, j) => {
    const values = toFloat64(findColumn(csv, f.name, f.name), f.name);
    for (let r = 0; r < rows; r++) numeric[r * numericSpecs.length + j] = values[r];
  });
  const categorical = new Array<string>(rows * categoricalSpecs.length);
  categoricalSpecs.forEach((f, j) => {
    const values = toStrings(findColumn(csv, f.name, f.name));
    for (let r = 0; r < rows; r++) categorical[r * categoricalSpecs.length + j] = values[r];
  });
  return {
    rows,
    numericNames: numericSpecs.map((f) => f.name),
    numeric,
    categoricalNames: categoricalSpecs.map((f) => f.name),
    categorical,
  };
}

/** A target encoded for fitting: class indices (classification) or values (regression). */
export interface EncodedTarget {
  readonly y: Float64Array;
  readonly classes?: readonly string[];
}

function rowOfMissing(values: readonly (string | null)[]): number {
  return values.indexOf(null);
}

/** Encodes the training target; classification needs two classes, no row may miss its target. */
export function encodeTarget(
  csv: ParsedCsv,
  job: TrainingJobSpec,
  classes?: readonly string[],
): EncodedTarget {
  if (!job.target) throw new ValidationError(`target: required for task '${job.task}'`, 'target');
  const column = findColumn(csv, job.target, 'target');
  const missing = rowOfMissing(column.values);
  if (missing >= 0)
    throw new ValidationError(`target: row ${missing + 2} has no value in column '${job.target}'`, 'target');
  if (job.task === 'regression') {
    if (column.type !== 'numeric')
      throw new ValidationError(
        `target: column '${job.target}' is not numeric; regression needs numbers`,
        'target',
      );
    return { y: toFloat64(column, 'target') };
  }
  const labels = toStrings(column);
  const known = classes ?? sortLabels(labels);
  if (known.length < 2) {
    throw new ValidationError(
      `target: column '${job.target}' has one class ('${known[0]}'); classification needs at least two`,
      'target',
    );
  }
  const index = new Map(known.map((c, i) => [c, i]));
  const y = new Float64Array(labels.length);
  labels.forEach((l, r) => {
    const k = index.get(l);
    if (k === undefined)
      throw new ValidationError(`target: row ${r + 2} has class '${l}', unseen in training`, 'target');
    y[r] = k;
  });
  return { y, classes: known };
}

/** The contract's features with lineage and (categorical) the categories in one-hot order. */
export function contractFeatures(
  features: readonly FeatureSpec[],
  job: TrainingJobSpec,
  categories: ReadonlyMap<string, readonly string[]>,
): Feature[] {
  return features.map((f) => ({
    name: f.name,
    type: f.type,
    source: { dataset: job.dataset.name, version: job.dataset.version, columns: [f.name] },
    ...(f.type === 'categorical' ? { categories: [...(categories.get(f.name) ?? [])] } : {}),
  }));
}
