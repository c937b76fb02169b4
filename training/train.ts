import { algorithmSpec, parseHyperparameters, parseTrainerOptions } from '../contracts/algorithms.js';
import type { MetricsFile, TuningResult } from '../contracts/metrics.js';
import type { ModelContract } from '../contracts/model-contract.js';
import type { TrainingJobConfig } from '../contracts/training-job.js';
import type { TextOptions } from '../contracts/training-request.js';
import { readCsvColumns, type TypedCsv } from '../core/data/csv-columns.js';
import { ValidationError } from '../core/errors.js';
import { algorithmImpl } from './algorithms/index.js';
import { isReleased, ownsBuffer } from './algorithms/matrix-release.js';
import type { FittedModel, Matrix, Predictions } from './algorithms/types.js';
import { type CsvInput, csvChunks } from './channel.js';
import { evaluate } from './evaluate.js';
import { exportModel } from './export.js';
import {
  buildFrame,
  contractFeatures,
  namesOnly,
  type EncodedTarget,
  encodeTarget,
  type FeatureFrame,
  type FeatureSpec,
  selectFeatures,
  stringColumnsOf,
} from './frame.js';
import { type Phases, phaseClock } from './phases.js';
import { fitPreprocessor, type Preprocessor, transform, transformInPlace } from './preprocess.js';
import { tune } from './tuning.js';
import { TRAINER_VERSION } from './version.js';

export { labelsOf } from './evaluate.js';

/** Everything a training run produces; `main.ts` writes it to /opt/ml/model. */
export interface TrainResult {
  readonly onnx: Uint8Array;
  readonly contract: ModelContract;
  readonly metrics: MetricsFile;
  /** The trainer's own predictions on the evaluated rows (test channel, else training rows). */
  readonly predictions: Predictions;
  /** The raw features of the evaluated rows, in ONNX input layout (for parity checks). */
  readonly evaluatedFrame: FeatureFrame;
  /** Hyperparameters after defaults. */
  readonly hyperparameters: Record<string, unknown>;
  readonly rows: { readonly train: number; readonly test: number };
  /** The fitted model and preprocessing, to predict more rows in-process. */
  readonly model: FittedModel;
  readonly preprocessor: Preprocessor;
  readonly features: readonly FeatureSpec[];
  /** Wall and CPU ms of each phase: read-train (channel to frame), prepare, fit, predict-train (with its metrics), export, evaluate. */
  readonly phases: Phases;
}

/** Reads a channel into typed columns; `keepStrings` are read as strings even when numeric. */
function parseChannel(
  input: CsvInput,
  field: string,
  config: TrainingJobConfig,
  keepStrings: readonly string[],
): TypedCsv {
  const csv = readCsvColumns(csvChunks(input), { field, columnTypes: config.job.columnTypes, keepStrings });
  if (csv.rowCount === 0) throw new ValidationError(`${field}: the file has a header but no rows`, field);
  return csv;
}

/** Clustering has no target: an empty one (a target column, if named, is an error). */
function targetOf(data: TypedCsv, config: TrainingJobConfig, classes?: readonly string[]): EncodedTarget {
  const { job } = config;
  if (job.task !== 'clustering') return encodeTarget(data, job, classes);
  if (job.target)
    throw new ValidationError(`target: task 'clustering' takes no target (got '${job.target}')`, 'target');
  return { y: new Float64Array(0) };
}

/** What the fit step produced: the model, its preprocessing, and the rows it saw. */
interface Fitted {
  readonly model: FittedModel;
  readonly pre: Preprocessor;
  readonly features: readonly FeatureSpec[];
  readonly frame: FeatureFrame;
  readonly target: EncodedTarget;
  /** The model's predictions on its own training rows, and their metrics. */
  readonly trainPredictions: Predictions;
  readonly training: MetricsFile['training'];
  readonly hyperparameters: Record<string, unknown>;
  readonly tuning?: TuningResult;
}

/** The evaluated rows: the test channel when there is one, else the training rows. */
interface Evaluated {
  readonly frame: FeatureFrame;
  readonly predictions: Predictions;
  readonly metrics: MetricsFile['metrics'];
  readonly training: MetricsFile['training'];
  readonly on: 'train' | 'test';
  readonly rows: number;
}

/**
 * Trains one model from CSV bytes: fits the preprocessing and the algorithm (`fit`), exports
 * model.onnx with its contract inside (`contract`), and scores it on the test channel, or the
 * training rows when there is none (`evaluateOn`). The trainer's input is parsed here, at its
 * process boundary; bad input throws a ValidationError whose message starts with the field.
 */
export function train(config: TrainingJobConfig, trainCsv: CsvInput, testCsv?: CsvInput): TrainResult {
  const clock = phaseClock();
  const fitted = fit(config, trainCsv, clock.lap, testCsv === undefined);
  const contract = contractOf(config, fitted);
  const onnx = exportModel(fitted.model, fitted.pre, contract, TRAINER_VERSION);
  clock.lap('export');
  const evaluated = evaluateOn(config, fitted, testCsv);
  clock.lap('evaluate');
  return {
    phases: clock.phases,
    onnx,
    contract,
    metrics: {
      kind: 'cirrus.metrics',
      schemaVersion: 1,
      evaluatedOn: evaluated.on,
      score: evaluated.metrics.score,
      metrics: evaluated.metrics,
      training: evaluated.training,
      ...(fitted.tuning ? { tuning: fitted.tuning } : {}),
    },
    predictions: evaluated.predictions,
    evaluatedFrame: evaluated.frame,
    hyperparameters: fitted.hyperparameters,
    rows: { train: fitted.frame.rows, test: evaluated.rows },
    model: fitted.model,
    preprocessor: fitted.pre,
    features: fitted.features,
  };
}

/** The training rows as features, target and frame; the typed columns are dropped on return. */
function trainingRows(config: TrainingJobConfig, trainCsv: CsvInput, text: TextOptions | undefined) {
  const trainData = parseChannel(trainCsv, 'train', config, stringColumnsOf(config.job, text));
  const features = selectFeatures(trainData, config.job, text);
  const target = targetOf(trainData, config);
  return { features, target, frame: buildFrame(trainData, features) };
}

/**
 * Fits the preprocessing, then the algorithm (with the chosen candidate when the job tunes).
 * Unless `keepFrame` (no test channel: the training rows are the evaluated ones), the model
 * matrix may take over the frame's numbers, and the frame keeps only its names and row count.
 */
function fit(
  config: TrainingJobConfig,
  trainCsv: CsvInput,
  lap: (phase: string) => void,
  keepFrame: boolean,
): Fitted {
  const { job } = config;
  const spec = algorithmSpec(job.algorithm, job.task);
  const impl = algorithmImpl(job.algorithm, job.task);
  const options = parseTrainerOptions(config.hyperparameters);
  let hyperparameters = parseHyperparameters(spec, config.hyperparameters);
  const { features, target, frame: rows } = trainingRows(config, trainCsv, options.text);
  lap('read-train');
  const text = options.text;
  const pre = fitPreprocessor(
    rows,
    impl.scaling,
    text && { ngramMax: text.ngrams, maxFeatures: text.maxFeatures, minDf: text.minDf },
  );
  if (pre.width === 0) throw new ValidationError('features: every feature column is empty', 'features');
  const X = keepFrame ? transform(pre, rows) : transformInPlace(pre, rows);
  const frame = keepFrame ? rows : namesOnly(rows);
  lap('prepare');
  const nClasses = target.classes?.length ?? 0;
  const data = { X, y: target.y, task: job.task, nClasses, seed: job.seed };
  let tuning: TuningResult | undefined;
  if (options.search) {
    const fixed = Object.fromEntries(
      Object.entries(config.hyperparameters).filter(([k]) => !k.startsWith('cirrus_')),
    );
    tuning = tune(spec, impl, data, fixed, options.search, nClasses);
    hyperparameters = tuning.chosen;
  }
  // Handed over when only the model's own training predictions are read after the fit.
  const releaseX = !keepFrame && job.task !== 'clustering' && ownsBuffer(X);
  const model = impl.fit({ ...data, releaseX }, hyperparameters);
  lap('fit');
  const trainPredictions = trainingPredictionsOf(model, X, keepFrame);
  // Scored here so that the model matrix is not kept alive while the test channel is read.
  const training = evaluate(trainPredictions, target.y, target.classes, X);
  lap('predict-train');
  return {
    model,
    pre,
    features,
    frame,
    target,
    trainPredictions,
    training,
    hyperparameters,
    ...(tuning ? { tuning } : {}),
  };
}

/**
 * The model's predictions on its training rows. They only feed metrics.training when a test
 * channel is evaluated, so the fit's own (rounding-close) predictions serve there; without one
 * they are the evaluated predictions, which must be what the exported graph computes: `predict`.
 */
function trainingPredictionsOf(model: FittedModel, X: Matrix, evaluated: boolean): Predictions {
  const own = !evaluated && model.trainingPredictions?.();
  if (own) return own;
  if (isReleased(X)) throw new Error('the fit released its matrix but keeps no training predictions');
  return model.predict(X);
}

/** The model contract serving reads: features in ONNX input order, classes or clusters. */
function contractOf(config: TrainingJobConfig, fitted: Fitted): ModelContract {
  const { job } = config;
  const { target, frame, pre, trainPredictions } = fitted;
  const clusters =
    job.task === 'clustering' ? (trainPredictions.distances?.length ?? 0) / frame.rows : undefined;
  const categories = new Map(frame.categoricalNames.map((n, j) => [n, pre.categories[j]]));
  return {
    kind: 'cirrus.model-contract',
    schemaVersion: 1,
    task: job.task,
    algorithm: job.algorithm,
    features: contractFeatures(fitted.features, job, categories),
    ...(job.target ? { target: job.target } : {}),
    ...(target.classes ? { classes: [...target.classes] } : {}),
    ...(clusters ? { clusters } : {}),
  };
}

/** Scores the training rows, and the test channel when given (the one reported). */
function evaluateOn(config: TrainingJobConfig, fitted: Fitted, testCsv?: CsvInput): Evaluated {
  const { model, target, frame, pre, features, trainPredictions, training } = fitted;
  if (testCsv === undefined) {
    return { frame, predictions: trainPredictions, metrics: training, training, on: 'train', rows: 0 };
  }
  const asStrings = features.filter((f) => f.type !== 'numeric').map((f) => f.name);
  const options = parseTrainerOptions(config.hyperparameters);
  const testData = parseChannel(testCsv, 'test', config, [
    ...stringColumnsOf(config.job, options.text),
    ...asStrings,
  ]);
  const testFrame = buildFrame(testData, features);
  const testTarget = targetOf(testData, config, target.classes);
  const Xtest = transform(pre, testFrame);
  const predictions = model.predict(Xtest);
  const metrics = evaluate(predictions, testTarget.y, target.classes, Xtest);
  return { frame: testFrame, predictions, metrics, training, on: 'test', rows: testFrame.rows };
}
