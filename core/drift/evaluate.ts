import type {
  BaselineProfile,
  DriftOptions,
  DriftOptionsInput,
  DriftReport,
  FeatureDrift,
  FeatureProfile,
  LoggedRow,
} from '../../contracts/drift.js';
import { deriveSeed } from '../ml/random.js';
import { categoricalFeatureDrift, numericFeatureDrift } from './feature-drift.js';
import { resolveDriftOptions } from './options.js';
import { PerformanceWindow } from './performance.js';
import { notEnoughDataReport, type ReportHeader } from './report.js';
import { decideReport } from './report-rule.js';
import { CategoryCounter } from './sketches/categorical-profile.js';
import { NumericWindow } from './sketches/numeric-window.js';
import { type TextDescriber, textDescriber, withTextDescriptors } from './text-descriptors.js';

/** Logged rows one at a time, or in pages (e.g. one DynamoDB Query page per item). */
export type LoggedRows =
  | AsyncIterable<LoggedRow | readonly LoggedRow[]>
  | Iterable<LoggedRow | readonly LoggedRow[]>;

export interface EvaluateDriftInput extends ReportHeader {
  /** The serving version's baseline, already parsed with BaselineProfileSchema. */
  readonly baseline: BaselineProfile;
  /** The window's logged predictions; streamed once, never held. */
  readonly rows: LoggedRows;
  readonly options?: DriftOptionsInput;
  /** Rows carry inputs only (a batch job's input): no prediction or performance signal. @default false */
  readonly inputsOnly?: boolean;
}

type Sink = NumericWindow | CategoryCounter;

function sinkFor(
  profile: FeatureProfile,
  baseline: BaselineProfile,
  options: DriftOptions,
  stream: number,
): Sink {
  if (profile.type === 'categorical') return new CategoryCounter();
  return new NumericWindow(profile, {
    referenceRows: baseline.rowCount,
    sampleSize: options.sampleSize,
    seed: deriveSeed(options.seed, stream),
  });
}

function featureDrift(
  profile: FeatureProfile,
  sink: Sink,
  baseline: BaselineProfile,
  options: DriftOptions,
): FeatureDrift {
  if (profile.type === 'numeric' && sink instanceof NumericWindow) {
    return numericFeatureDrift(profile, sink, baseline.rowCount, options.thresholds);
  }
  if (profile.type === 'categorical' && sink instanceof CategoryCounter) {
    return categoricalFeatureDrift(profile, sink, baseline.rowCount, options.thresholds);
  }
  throw new Error(`sketch does not match the ${profile.type} profile of '${profile.name}'`);
}

/** Streams the rows into the per-feature sketches; returns how many rows there were. */
async function consume(
  rows: LoggedRows,
  names: readonly string[],
  sinks: readonly Sink[],
  prediction: Sink,
  performance: PerformanceWindow,
  describers: readonly TextDescriber[],
): Promise<number> {
  let count = 0;
  const take = (row: LoggedRow) => {
    count++;
    const features = describers.length ? withTextDescriptors(describers, row.features) : row.features;
    for (let i = 0; i < names.length; i++) sinks[i].add(features[names[i]]);
    prediction.add(row.prediction);
    if (row.actual !== undefined && row.actual !== null) performance.add(row.prediction, row.actual);
  };
  for await (const item of rows) {
    if (Array.isArray(item)) for (const row of item as readonly LoggedRow[]) take(row);
    else take(item as LoggedRow);
  }
  return count;
}

/**
 * Evaluates drift of an endpoint's logged traffic against its serving version's baseline, with
 * Evidently's default tests (see stats/select-test.ts). Memory is bounded by the baseline and the
 * options (reservoirs of `sampleSize`, fixed histograms, capped category maps), not by the rows.
 *
 * @example
 * const report = await evaluateDrift({
 *   endpoint: 'iris', model: 'iris-clf', version: 3,
 *   window: driftWindow(deps.now(), 24), baseline, rows: loggedRows(deps, 'iris', window),
 * });
 * if (report.driftDetected) await events.publish('ModelDriftDetected', { ... });
 */
export async function evaluateDrift(input: EvaluateDriftInput): Promise<DriftReport> {
  const options = resolveDriftOptions(input.options);
  const { baseline } = input;
  const header: ReportHeader = {
    endpoint: input.endpoint,
    model: input.model,
    version: input.version,
    window: input.window,
  };
  const names = baseline.features.map((f) => f.name);
  const sinks = baseline.features.map((f, i) => sinkFor(f, baseline, options, i));
  const prediction = sinkFor(baseline.prediction, baseline, options, names.length);
  const performance = new PerformanceWindow(baseline.task);
  const describers = (baseline.text ?? []).map(textDescriber);
  const rows = await consume(input.rows, names, sinks, prediction, performance, describers);
  if (rows < options.minRows) return notEnoughDataReport(header, rows, options.minRows, options.driftShare);

  const features = baseline.features.map((f, i) => featureDrift(f, sinks[i], baseline, options));
  const predictionDrift = input.inputsOnly
    ? null
    : featureDrift(baseline.prediction, prediction, baseline, options);
  const performanceDrift = input.inputsOnly
    ? null
    : performance.result(baseline.metrics, {
        minRows: options.minRows,
        tolerance: options.performanceTolerance,
      });
  const driftedFeatures = features.filter((f) => f.drifted).length;
  const share = features.length === 0 ? 0 : driftedFeatures / features.length;
  const datasetDrift = share >= options.driftShare;
  return {
    kind: 'cirrus.drift-report',
    schemaVersion: 1,
    ...header,
    status: 'ok',
    rows,
    minRows: options.minRows,
    features,
    prediction: predictionDrift,
    performance: performanceDrift,
    driftedFeatures,
    share,
    driftShareThreshold: options.driftShare,
    datasetDrift,
    ...decideReport(features, predictionDrift, performanceDrift),
  };
}
