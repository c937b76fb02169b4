import { algorithmSpec, parseHyperparameters } from '../contracts/algorithms.js';
import type { Metrics, MetricsFile } from '../contracts/metrics.js';
import type { ModelContract } from '../contracts/model-contract.js';
import type { TrainingJobConfig } from '../contracts/training-job.js';
import { parseCsv } from '../core/data/csv.js';
import type { ParsedCsv } from '../core/data/types.js';
import { ValidationError } from '../core/errors.js';
import { classificationMetrics, regressionMetrics } from '../core/ml/metrics.js';
import { algorithmImpl } from './algorithms/index.js';
import type { FittedModel, Predictions } from './algorithms/types.js';
import { exportModel } from './export.js';
import {
  buildFrame,
  contractFeatures,
  encodeTarget,
  type FeatureFrame,
  type FeatureSpec,
  selectFeatures,
} from './frame.js';
import { fitPreprocessor, type Preprocessor, transform } from './preprocess.js';
import { TRAINER_VERSION } from './version.js';

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
}

function parseChannel(bytes: Uint8Array | string, field: string, config: TrainingJobConfig): ParsedCsv {
  const csv = parseCsv(bytes, { field, columnTypes: config.job.columnTypes });
  if (csv.schema.rowCount === 0)
    throw new ValidationError(`${field}: the file has a header but no rows`, field);
  return csv;
}

/** Labels from a model's predictions: its own, or the argmax of its probabilities. */
export function labelsOf(p: Predictions, nClasses: number): Int32Array {
  if (p.labels) return p.labels;
  const probs = p.probabilities;
  if (!probs) throw new Error('model predicted neither labels nor probabilities');
  const n = probs.length / nClasses;
  return Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let k = 1; k < nClasses; k++) if (probs[i * nClasses + k] > probs[i * nClasses + best]) best = k;
    return best;
  });
}

function evaluate(p: Predictions, y: Float64Array, classes: readonly string[] | undefined): Metrics {
  if (classes) {
    const labels = labelsOf(p, classes.length);
    return classificationMetrics(
      y,
      labels,
      p.probabilities ?? new Float64Array(y.length * classes.length),
      classes,
    );
  }
  if (!p.values) throw new Error('regression model predicted no values');
  return regressionMetrics(y, p.values);
}

/**
 * Trains one model from CSV bytes: validates the job, hyperparameters and data, fits the
 * preprocessing and the algorithm, exports model.onnx with the contract inside, and evaluates
 * on the test channel (or the training rows when there is none). Bad input throws a
 * ValidationError whose message starts with the offending field.
 */
export function train(
  config: TrainingJobConfig,
  trainCsv: Uint8Array | string,
  testCsv?: Uint8Array | string,
): TrainResult {
  const { job } = config;
  if (job.task === 'clustering')
    throw new ValidationError('task: clustering is not supported by this trainer yet', 'task');
  const spec = algorithmSpec(job.algorithm, job.task);
  const impl = algorithmImpl(job.algorithm, job.task);
  const hyperparameters = parseHyperparameters(spec, config.hyperparameters);
  const trainData = parseChannel(trainCsv, 'train', config);
  const features = selectFeatures(trainData, job);
  const target = encodeTarget(trainData, job);
  const frame = buildFrame(trainData, features);
  const pre = fitPreprocessor(frame, impl.scaling);
  if (pre.width === 0) throw new ValidationError('features: every feature column is empty', 'features');
  const X = transform(pre, frame);
  const nClasses = target.classes?.length ?? 0;
  const model = impl.fit({ X, y: target.y, task: job.task, nClasses, seed: job.seed }, hyperparameters);
  const categories = new Map(frame.categoricalNames.map((n, j) => [n, pre.categories[j]]));
  const contract: ModelContract = {
    kind: 'cirrus.model-contract',
    schemaVersion: 1,
    task: job.task,
    algorithm: job.algorithm,
    features: contractFeatures(features, job, categories),
    target: job.target,
    ...(target.classes ? { classes: [...target.classes] } : {}),
  };
  const onnx = exportModel(model, pre, contract, TRAINER_VERSION);
  const trainPredictions = model.predict(X);
  const training = evaluate(trainPredictions, target.y, target.classes);
  let evaluated = {
    frame,
    predictions: trainPredictions,
    metrics: training,
    on: 'train' as 'train' | 'test',
    rows: 0,
  };
  if (testCsv !== undefined) {
    const testData = parseChannel(testCsv, 'test', config);
    const testFrame = buildFrame(testData, features);
    const testTarget = encodeTarget(testData, job, target.classes);
    const predictions = model.predict(transform(pre, testFrame));
    const metrics = evaluate(predictions, testTarget.y, target.classes);
    evaluated = { frame: testFrame, predictions, metrics, on: 'test', rows: testFrame.rows };
  }
  return {
    onnx,
    contract,
    metrics: {
      kind: 'cirrus.metrics',
      schemaVersion: 1,
      evaluatedOn: evaluated.on,
      score: evaluated.metrics.score,
      metrics: evaluated.metrics,
      training,
    },
    predictions: evaluated.predictions,
    evaluatedFrame: evaluated.frame,
    hyperparameters,
    rows: { train: frame.rows, test: evaluated.rows },
    model,
    preprocessor: pre,
    features,
  };
}
