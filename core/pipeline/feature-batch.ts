import type * as ort from 'onnxruntime-node';
import type { ModelContract } from '../../contracts/model-contract.js';
import { plainNumber } from '../data/csv-plain.js';
import { parseNumberCell } from '../data/index.js';
import { ValidationError } from '../errors.js';
import { tensorsOf } from '../ml/onnx-io.js';
import { numberCell } from './score-csv.js';
import { notMissing } from './score-stream.js';

/** Where a batch reads each feature (and the target) in a channel's records. */
export interface BatchLayout {
  readonly features: readonly { readonly name: string; readonly numeric: boolean; readonly column: number }[];
  /** The target's column and how it is read: a class index (classification) or a number. */
  readonly target?: { readonly column: number; readonly classes?: ReadonlyMap<string, number> };
}

/**
 * The layout of a numeric/categorical contract over a header: each feature's source column, and
 * the target's when `withTarget`. A column missing from the header fails as `findColumn` does.
 */
export function batchLayout(
  contract: ModelContract,
  names: readonly string[],
  withTarget: boolean,
): BatchLayout {
  const find = (name: string, field: string) => {
    const column = names.indexOf(name);
    if (column < 0)
      throw new ValidationError(
        `${field}: no column '${name}' in the data (columns: ${names.join(', ')})`,
        field,
      );
    return column;
  };
  const features = contract.features.map((f) => ({
    name: f.name,
    numeric: f.type === 'numeric',
    column: find(f.source.columns[0] ?? f.name, `features.${f.name}`),
  }));
  if (!withTarget) return { features };
  const column = find(contract.target ?? '', 'target');
  if (contract.task !== 'classification') return { features, target: { column } };
  return { features, target: { column, classes: new Map((contract.classes ?? []).map((c, i) => [c, i])) } };
}

const utf8 = (buf: Uint8Array, s: number, e: number) =>
  Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8');

/** `parseNumberCell` of a cell's bytes (plainNumber, else the decoded cell), NaN when not a number. */
function numberAt(buf: Uint8Array, s: number, e: number): number {
  return plainNumber(buf, s, e) ?? parseNumberCell(utf8(buf, s, e)) ?? Number.NaN;
}

/**
 * Up to `capacity` rows of a channel, column by column: numeric features as float64 (NaN when
 * missing or not a number, as `csvRows` + `encodeRows` read them), categorical features as
 * strings (null when missing), and the target as a class index (-1 unknown) or a number.
 */
export class FeatureBatch {
  n = 0;
  /** The channel's row index of this batch's first row (errors name the channel's row). */
  first = 0;
  readonly columns: (Float64Array | (string | null)[])[];
  readonly target: Float64Array;

  constructor(
    private readonly layout: BatchLayout,
    readonly capacity: number,
  ) {
    this.columns = layout.features.map((f) =>
      f.numeric ? new Float64Array(capacity) : new Array<string | null>(capacity).fill(null),
    );
    this.target = new Float64Array(layout.target ? capacity : 0);
  }

  get full(): boolean {
    return this.n === this.capacity;
  }

  /** Adds a plain line's cells (see CsvRowSink.bytes). */
  addBytes(buf: Uint8Array, bounds: Int32Array): void {
    const r = this.n++;
    const { features, target } = this.layout;
    for (let f = 0; f < features.length; f++) {
      const { column, numeric } = features[f]!;
      const s = bounds[column]!;
      const e = bounds[column + 1]! - 1;
      if (numeric) (this.columns[f] as Float64Array)[r] = this.finite(numberAt(buf, s, e), f);
      else (this.columns[f] as (string | null)[])[r] = category(utf8(buf, s, e));
    }
    if (!target) return;
    const s = bounds[target.column]!;
    const e = bounds[target.column + 1]! - 1;
    this.target[r] = target.classes ? classIndex(target.classes, utf8(buf, s, e)) : numberAt(buf, s, e);
  }

  /** Adds a record's string cells (see CsvRowSink.cells). */
  addCells(cells: readonly string[]): void {
    const r = this.n++;
    const { features, target } = this.layout;
    for (let f = 0; f < features.length; f++) {
      const { column, numeric } = features[f]!;
      const cell = cells[column]!;
      if (numeric) (this.columns[f] as Float64Array)[r] = this.finite(numberCell(cell) ?? Number.NaN, f);
      else (this.columns[f] as (string | null)[])[r] = category(cell);
    }
    if (!target) return;
    const cell = cells[target.column]!;
    this.target[r] = target.classes
      ? classIndex(target.classes, cell)
      : (parseNumberCell(cell) ?? Number.NaN);
  }

  /** A numeric cell such as 1e999 parses to Infinity: refused as `encodeRows` refuses it. */
  private finite(value: number, f: number): number {
    if (value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY) {
      const field = `rows[${this.first + this.n - 1}].${this.layout.features[f]!.name}`;
      throw new ValidationError(
        `${field}: must be a finite number, got ${value} (send null for a missing value)`,
        field,
      );
    }
    return value;
  }

  /** The onnxruntime inputs of the batch's rows (`encodeRows`' layout: row-major per type group). */
  tensors(contract: ModelContract): Record<string, ort.Tensor> {
    const { features } = this.layout;
    const n = this.n;
    const numericAt = features.flatMap((f, i) => (f.numeric ? [i] : []));
    const categoricalAt = features.flatMap((f, i) => (f.numeric ? [] : [i]));
    const numeric = new Float32Array(n * numericAt.length);
    numericAt.forEach((f, j) => {
      const column = this.columns[f] as Float64Array;
      for (let r = 0, at = j; r < n; r++, at += numericAt.length) numeric[at] = column[r]!;
    });
    const categorical = new Array<string>(n * categoricalAt.length);
    categoricalAt.forEach((f, j) => {
      const column = this.columns[f] as (string | null)[];
      for (let r = 0; r < n; r++) categorical[r * categoricalAt.length + j] = column[r] ?? '';
    });
    return tensorsOf(contract, { n, numeric, categorical, text: [] });
  }
}

/** A categorical cell: itself, or null when it is a missing token. */
const category = (cell: string): string | null => (notMissing(cell) ? cell : null);

/** `scorePredictions`' class index of a target cell (a missing cell reads as ''). */
const classIndex = (classes: ReadonlyMap<string, number>, cell: string): number =>
  classes.get(notMissing(cell) ? cell : '') ?? -1;
