import type { BaselineProfile, FeatureProfile, TextDescriptorSpec } from '../../contracts/drift.js';
import { ValidationError } from '../errors.js';
import { deriveSeed } from '../ml/random.js';
import { CategoricalProfileBuilder } from './sketches/categorical-profile.js';
import { NumericProfileBuilder } from './sketches/numeric-profile.js';

/** A profiled column (a text feature is profiled through its descriptor columns: text-descriptors.ts). */
export interface ProfileColumn {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
}

export interface BaselineProfileOptions {
  readonly task: BaselineProfile['task'];
  readonly features: readonly ProfileColumn[];
  /** Seeds every reservoir (feature i uses deriveSeed(seed, i)); recorded in the profile. */
  readonly seed: number;
  /** Text features watched through descriptor columns (their specs are recorded in the profile). */
  readonly text?: readonly TextDescriptorSpec[];
  /** Reservoir size per numeric feature. Must stay >= 1000 so KS references are complete. @default 5000 */
  readonly sampleSize?: number;
}

type Builder = NumericProfileBuilder | CategoricalProfileBuilder;

/**
 * Builds a baseline profile row by row, in bounded memory (reservoirs, capped maps), so the
 * Evaluate step can stream a large reference set. Predictions must be in the representation the
 * prediction log uses: class labels (strings) for classifiers, numbers for regressors.
 */
export class BaselineProfileBuilder {
  private readonly builders: Builder[];
  private readonly prediction: Builder;
  private rows = 0;

  constructor(private readonly options: BaselineProfileOptions) {
    const sampleSize = options.sampleSize ?? 5000;
    if (options.features.length === 0)
      throw new ValidationError('at least one feature is needed', 'features');
    if (sampleSize < 1000) throw new ValidationError('must be at least 1000', 'sampleSize');
    const make = (column: ProfileColumn, stream: number): Builder =>
      column.type === 'numeric'
        ? new NumericProfileBuilder(column.name, { seed: deriveSeed(options.seed, stream), sampleSize })
        : new CategoricalProfileBuilder(column.name);
    this.builders = options.features.map(make);
    const predictionType = options.task === 'regression' ? 'numeric' : 'categorical';
    this.prediction = make({ name: 'prediction', type: predictionType }, options.features.length);
  }

  add(features: Readonly<Record<string, unknown>>, prediction: unknown): void {
    this.rows++;
    for (const builder of this.builders) builder.add(features[builder.name]);
    this.prediction.add(prediction);
  }

  /**
   * Adds `n` rows given column by column: `columns[f]` holds feature f's values (in the options'
   * feature order), `predictions` the rows' predictions. The same profile as `add` row by row:
   * each column's builder sees its values in row order.
   */
  addColumns(n: number, columns: readonly ArrayLike<unknown>[], predictions: ArrayLike<unknown>): void {
    this.rows += n;
    this.builders.forEach((builder, f) => {
      const column = columns[f]!;
      if (builder instanceof NumericProfileBuilder && column instanceof Float64Array)
        builder.addNumbers(column, n);
      else for (let r = 0; r < n; r++) builder.add(column[r]);
    });
    for (let r = 0; r < n; r++) this.prediction.add(predictions[r]);
  }

  /** `metrics`: flat test-set metrics (see `numericMetrics`). */
  finish(metrics: Readonly<Record<string, number>>, createdAt?: Date): BaselineProfile {
    return {
      kind: 'cirrus.baseline-profile',
      schemaVersion: 1,
      task: this.options.task,
      seed: this.options.seed,
      rowCount: this.rows,
      features: this.builders.map((b): FeatureProfile => b.finish()),
      ...(this.options.text?.length ? { text: [...this.options.text] } : {}),
      prediction: this.prediction.finish(),
      metrics: { ...metrics },
      ...(createdAt ? { createdAt: createdAt.toISOString() } : {}),
    };
  }
}

export interface BuildBaselineProfileInput extends BaselineProfileOptions {
  /** Column-major reference data: one array per feature name, all of one length. */
  readonly columns: Readonly<Record<string, ArrayLike<number | string | null>>>;
  readonly predictions: ArrayLike<number | string | null>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly createdAt?: Date;
}

/**
 * The baseline profile of an in-memory reference set (the Evaluate step's call).
 *
 * @example
 * const baseline = buildBaselineProfile({
 *   task: 'classification', seed: 42,
 *   features: [{ name: 'sepal_length', type: 'numeric' }, { name: 'color', type: 'categorical' }],
 *   columns: { sepal_length: lengths, color: colors }, predictions: labels,
 *   metrics: numericMetrics(metricsFile.metrics),
 * });
 */
export function buildBaselineProfile(input: BuildBaselineProfileInput): BaselineProfile {
  const rows = input.predictions.length;
  for (const { name } of input.features) {
    const column = input.columns[name];
    if (!column) throw new ValidationError(`missing column '${name}'`, `columns.${name}`);
    if (column.length !== rows) {
      throw new ValidationError(`has ${column.length} values, predictions has ${rows}`, `columns.${name}`);
    }
  }
  const builder = new BaselineProfileBuilder(input);
  const row: Record<string, number | string | null> = {};
  for (let r = 0; r < rows; r++) {
    for (const { name } of input.features) row[name] = input.columns[name][r];
    builder.add(row, input.predictions[r]);
  }
  return builder.finish(input.metrics, input.createdAt);
}

/** The finite numeric fields of a metrics object (e.g. accuracy, f1, rmse, r2), for `metrics`. */
export function numericMetrics(metrics: Readonly<Record<string, unknown>>): Record<string, number> {
  const flat: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value === 'number' && Number.isFinite(value)) flat[key] = value;
  }
  return flat;
}
