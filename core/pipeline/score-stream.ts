import type * as ort from 'onnxruntime-node';
import type { Metrics } from '../../contracts/metrics.js';
import type { ModelContract } from '../../contracts/model-contract.js';
import type { FeatureRow, Prediction } from '../../contracts/serving.js';
import { readArtifactStream } from '../artifacts/index.js';
import { csvRecordsPlainFirst } from '../data/csv-plain-stream.js';
import { csvRecordsOfStream, findColumn, isMissingCell, parseNumberCell } from '../data/index.js';
import type { ParsedCsv } from '../data/index.js';
import type { CoreDeps } from '../deps.js';
import type { BaselineProfileBuilder } from '../drift/profile.js';
import { ValidationError } from '../errors.js';
import { classificationMetrics, regressionMetrics } from '../ml/metrics.js';
import { csvRows, predictionValue, predictRows } from './score-csv.js';

/** Rows scored per onnxruntime call while streaming a channel. */
export const SCORE_BATCH_ROWS = 8192;

/**
 * Whether a model's evaluation can stream: classification and regression on numeric and
 * categorical features. Clustering (scored against the whole training set) and text features
 * (their descriptors need every row's text first) keep the in-memory path.
 */
export function canStreamEvaluation(contract: ModelContract): boolean {
  return contract.task !== 'clustering' && contract.features.every((f) => f.type !== 'text');
}

/**
 * A channel's records in batches, each as a ParsedCsv of that batch (cells as `parseCsv` gives
 * them, missing as null), so the batch goes through the same `csvRows` the in-memory path uses.
 */
async function* csvBatches(deps: CoreDeps, key: string, batchRows: number): AsyncGenerator<ParsedCsv> {
  const { names, rows } = await csvRecordsPlainFirst(readArtifactStream(deps, { key }), key, (source) =>
    csvRecordsOfStream(source, key),
  );
  let batch: string[][] = [];
  const toCsv = (): ParsedCsv => {
    const columns = names.map((name, c) => ({
      name,
      type: 'categorical' as const,
      values: batch.map((r) => (notMissing(r[c]!) ? r[c]! : null)),
    }));
    return { columns, schema: { rowCount: batch.length } } as unknown as ParsedCsv;
  };
  for await (const record of rows) {
    batch.push(record);
    if (batch.length === batchRows) {
      yield toCsv();
      batch = [];
    }
  }
  if (batch.length) yield toCsv();
}

/** `!isMissingCell(cell)`; a cell starting with a digit is never a missing token (most numeric cells). */
export function notMissing(cell: string): boolean {
  const first = cell.charCodeAt(0);
  return (first >= 0x30 && first <= 0x39) || !isMissingCell(cell);
}

/** The targets and predictions metrics need, kept as numbers (not rows or prediction objects). */
class MetricsInputs {
  readonly yTrue: number[] = [];
  readonly yPred: number[] = [];
  readonly probs: number[] = [];
  private readonly classes: readonly string[];
  private readonly index: Map<string, number>;

  constructor(private readonly contract: ModelContract) {
    this.classes = contract.classes ?? [];
    this.index = new Map(this.classes.map((c, i) => [c, i]));
  }

  /** The same reading of targets and predictions as `scorePredictions`. */
  add(csv: ParsedCsv, predictions: readonly Prediction[]): void {
    const target = findColumn(csv, this.contract.target ?? '', 'target');
    if (this.contract.task === 'classification') {
      for (const v of target.values) this.yTrue.push(this.index.get(v ?? '') ?? -1);
      for (const p of predictions) {
        this.yPred.push(this.index.get(String(p.label)) ?? -1);
        for (const c of this.classes) this.probs.push(p.probabilities?.[c] ?? 0);
      }
      return;
    }
    for (const v of target.values) this.yTrue.push(parseNumberCell(v ?? '') ?? Number.NaN);
    for (const p of predictions) this.yPred.push(p.value ?? Number.NaN);
  }

  metrics(): Metrics {
    return this.contract.task === 'classification'
      ? classificationMetrics(this.yTrue, this.yPred, Float64Array.from(this.probs), this.classes)
      : regressionMetrics(this.yTrue, this.yPred);
  }
}

/** Test-set metrics, streaming the test channel in batches: `scorePredictions`' figures. */
export async function scoreTestStreaming(
  deps: CoreDeps,
  session: ort.InferenceSession,
  contract: ModelContract,
  key: string,
  batchRows = SCORE_BATCH_ROWS,
): Promise<Metrics> {
  if (!contract.target)
    throw new ValidationError('contract: has no target to score against', 'contract.target');
  const inputs = new MetricsInputs(contract);
  for await (const csv of csvBatches(deps, key, batchRows)) {
    inputs.add(csv, await predictRows(session, contract, csvRows(csv, contract)));
  }
  return inputs.metrics();
}

/**
 * Feeds the training channel's rows and their predictions to the drift baseline's builder, batch
 * by batch (the builder keeps bounded reservoirs and counts), never the channel's columns.
 */
export async function trainingProfileStreaming(
  deps: CoreDeps,
  session: ort.InferenceSession,
  contract: ModelContract,
  key: string,
  builder: BaselineProfileBuilder,
  batchRows = SCORE_BATCH_ROWS,
): Promise<void> {
  for await (const csv of csvBatches(deps, key, batchRows)) {
    const rows: FeatureRow[] = csvRows(csv, contract);
    const predictions = await predictRows(session, contract, rows);
    for (let r = 0; r < rows.length; r++) builder.add(rows[r]!, predictionValue(predictions[r]!));
  }
}
