import type { Feature, FeatureType } from '../contracts/model-contract.js';
import type { TrainingJobSpec } from '../contracts/training-job.js';
import { TEXT_OPTIONS_KEY, type TextOptions } from '../contracts/training-request.js';
import { sortLabels } from '../core/data/columns.js';
import {
  columnNumbers,
  findTypedColumn,
  stringCells,
  type TypedColumn,
  type TypedCsv,
} from '../core/data/csv-columns.js';
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
  /** Row-major strings [N, Ftext] (templated features already filled in). */
  readonly textNames: readonly string[];
  readonly text: readonly string[];
}

/** The features a job uses, in contract order, with their types. */
export interface FeatureSpec {
  readonly name: string;
  readonly type: FeatureType;
  /** A text feature filled from several columns, e.g. `Author: {author}, Tweet: {text}`. */
  readonly template?: { readonly text: string; readonly columns: readonly string[] };
}

const FIELD = /\{([^{}]+)\}/g;

/** The columns a template names, each checked against the data. */
function templateColumns(csv: TypedCsv, template: string): string[] {
  const field = `${TEXT_OPTIONS_KEY}.template`;
  const names = [...new Set([...template.matchAll(FIELD)].map((m) => m[1]))];
  if (names.length === 0) throw new ValidationError(`${field}: names no column (use {column})`, field);
  for (const name of names) {
    if (!csv.columns.some((c) => c.name === name)) {
      const known = csv.columns.map((c) => c.name).join(', ');
      throw new ValidationError(`${field}: no column '${name}' in the data (columns: ${known})`, field);
    }
  }
  return names;
}

/** Fills a template's {column} fields from one row (missing cells become ''). */
export function fillTemplate(template: string, cell: (column: string) => string): string {
  return template.replace(FIELD, (_, name: string) => cell(name));
}

/**
 * Picks the job's features (default: every column but the target; text columns become text
 * features) and checks them. A text template adds one text feature and, by default, replaces
 * the columns it names.
 */
export function selectFeatures(csv: TypedCsv, job: TrainingJobSpec, text?: TextOptions): FeatureSpec[] {
  const templated = text?.template ? templateColumns(csv, text.template) : [];
  const names =
    job.features ??
    csv.columns.filter((c) => c.name !== job.target && !templated.includes(c.name)).map((c) => c.name);
  const specs: FeatureSpec[] = names.map((name, i) => {
    const field = `features.${i}`;
    if (name === job.target) throw new ValidationError(`${field}: '${name}' is the target`, field);
    return { name, type: findTypedColumn(csv, name, field).type };
  });
  if (text?.template) {
    if (specs.some((s) => s.name === text.name)) {
      const field = `${TEXT_OPTIONS_KEY}.name`;
      throw new ValidationError(
        `${field}: '${text.name}' is already a feature; name the templated text otherwise`,
        field,
      );
    }
    specs.push({ name: text.name, type: 'text', template: { text: text.template, columns: templated } });
  }
  if (specs.length === 0)
    throw new ValidationError('features: no usable feature column in the data', 'features');
  return specs;
}

/** The columns a job must read as strings even when numeric: the target and template columns. */
export function stringColumnsOf(job: TrainingJobSpec, text?: TextOptions): string[] {
  const templated = text?.template ? [...text.template.matchAll(FIELD)].map((m) => m[1]) : [];
  return [...(job.target ? [job.target] : []), ...templated];
}

function textCells(csv: TypedCsv, f: FeatureSpec): (row: number) => string {
  if (!f.template) return stringCells(findTypedColumn(csv, f.name, f.name));
  const { text, columns } = f.template;
  const cells = new Map(
    columns.map((c) => [c, stringCells(findTypedColumn(csv, c, `${TEXT_OPTIONS_KEY}.template`))]),
  );
  return (r) => fillTemplate(text, (c) => cells.get(c)?.(r) ?? '');
}

/** Copies one column per spec into a row-major array of `specs.length` columns. */
function rowMajor<T>(
  out: { [i: number]: T },
  rows: number,
  specs: readonly FeatureSpec[],
  cells: (f: FeatureSpec) => ArrayLike<T> | ((row: number) => T),
): void {
  const width = specs.length;
  specs.forEach((f, j) => {
    const values = cells(f);
    if (typeof values === 'function') for (let r = 0; r < rows; r++) out[r * width + j] = values(r);
    else for (let r = 0; r < rows; r++) out[r * width + j] = values[r];
  });
}

/**
 * The frame's numbers [rows, specs]: the CSV's row-major block itself when it holds exactly these
 * columns in this order (the frame then shares it, no copy), else copied cell by cell.
 */
function numericCells(csv: TypedCsv, specs: readonly FeatureSpec[]): Float64Array {
  const { names, data } = csv.numeric;
  if (names.length === specs.length && specs.every((f, j) => f.name === names[j])) return data;
  const rows = csv.rowCount;
  const width = names.length;
  const numeric = new Float64Array(rows * specs.length);
  rowMajor(numeric, rows, specs, (f) => {
    const k = names.indexOf(f.name);
    if (k >= 0) return (r: number) => data[r * width + k];
    return columnNumbers(findTypedColumn(csv, f.name, f.name), f.name);
  });
  return numeric;
}

/** Builds the frame for `features` from typed columns (train or test). */
export function buildFrame(csv: TypedCsv, features: readonly FeatureSpec[]): FeatureFrame {
  const rows = csv.rowCount;
  const numericSpecs = features.filter((f) => f.type === 'numeric');
  const categoricalSpecs = features.filter((f) => f.type === 'categorical');
  const textSpecs = features.filter((f) => f.type === 'text');
  const numeric = numericCells(csv, numericSpecs);
  const categorical = new Array<string>(rows * categoricalSpecs.length);
  rowMajor(categorical, rows, categoricalSpecs, (f) => stringCells(findTypedColumn(csv, f.name, f.name)));
  const text = new Array<string>(rows * textSpecs.length);
  rowMajor(text, rows, textSpecs, (f) => textCells(csv, f));
  return {
    rows,
    numericNames: numericSpecs.map((f) => f.name),
    numeric,
    categoricalNames: categoricalSpecs.map((f) => f.name),
    categorical,
    textNames: textSpecs.map((f) => f.name),
    text,
  };
}

/** A frame's names and row count without its cells (once the model matrix took them over). */
export function namesOnly(frame: FeatureFrame): FeatureFrame {
  return { ...frame, numeric: new Float64Array(0), categorical: [], text: [] };
}

/** A target encoded for fitting: class indices (classification) or values (regression). */
export interface EncodedTarget {
  readonly y: Float64Array;
  readonly classes?: readonly string[];
}

/** Encodes the training target; classification needs two classes, no row may miss its target. */
export function encodeTarget(
  csv: TypedCsv,
  job: TrainingJobSpec,
  classes?: readonly string[],
): EncodedTarget {
  if (!job.target) throw new ValidationError(`target: required for task '${job.task}'`, 'target');
  const column = findTypedColumn(csv, job.target, 'target');
  const missing = rowOfMissing(column);
  if (missing >= 0)
    throw new ValidationError(`target: row ${missing + 2} has no value in column '${job.target}'`, 'target');
  if (job.task === 'regression') {
    if (column.type !== 'numeric')
      throw new ValidationError(
        `target: column '${job.target}' is not numeric; regression needs numbers`,
        'target',
      );
    return { y: columnNumbers(column, 'target') };
  }
  return encodeClasses(column, job.target, classes);
}

function rowOfMissing(column: TypedColumn): number {
  if (column.numbers) return column.numbers.findIndex((v) => Number.isNaN(v));
  return column.strings?.codes.indexOf(-1) ?? -1;
}

/** Class indices of a label column, in `classes` order (default: the sorted labels). */
function encodeClasses(column: TypedColumn, target: string, classes?: readonly string[]): EncodedTarget {
  if (!column.strings) throw new Error(`target column '${target}' was not read as strings`);
  const { codes, dictionary } = column.strings;
  const known = classes ?? sortLabels(dictionary);
  if (known.length < 2) {
    throw new ValidationError(
      `target: column '${target}' has one class ('${known[0]}'); classification needs at least two`,
      'target',
    );
  }
  const index = new Map(known.map((c, i) => [c, i]));
  const byCode = dictionary.map((label) => index.get(label));
  const y = new Float64Array(codes.length);
  for (let r = 0; r < codes.length; r++) {
    const k = byCode[codes[r]];
    if (k === undefined)
      throw new ValidationError(
        `target: row ${r + 2} has class '${dictionary[codes[r]]}', unseen in training`,
        'target',
      );
    y[r] = k;
  }
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
    source: {
      dataset: job.dataset.name,
      version: job.dataset.version,
      columns: f.template ? [...f.template.columns] : [f.name],
      ...(f.template ? { template: f.template.text } : {}),
    },
    ...(f.type === 'categorical' ? { categories: [...(categories.get(f.name) ?? [])] } : {}),
  }));
}
