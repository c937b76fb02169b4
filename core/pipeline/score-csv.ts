import type * as ort from 'onnxruntime-node';
import type { Metrics } from '../../contracts/metrics.js';
import type { ModelContract } from '../../contracts/model-contract.js';
import type { FeatureRow, Prediction } from '../../contracts/serving.js';
import type { ParsedCsv } from '../data/index.js';
import { findColumn, parseNumberCell } from '../data/index.js';
import { ValidationError } from '../errors.js';
import { classificationMetrics, regressionMetrics } from '../ml/metrics.js';
import { buildInputTensors, decodeOutputs } from '../ml/onnx-io.js';
import { clusteringScore } from './score-clusters.js';

const FIELD = /\{([^{}]+)\}/g;

/** A feature's cell reader: one column, or a text template filled from the columns it names. */
function cellReader(csv: ParsedCsv, f: ModelContract['features'][number]): (r: number) => string | null {
  const { template, columns } = f.source;
  if (f.type === 'text' && template) {
    const cells = new Map(columns.map((c) => [c, findColumn(csv, c, `features.${f.name}`).values]));
    return (r) => template.replace(FIELD, (_, c: string) => cells.get(c)?.[r] ?? '');
  }
  const column = findColumn(csv, columns[0] ?? f.name, `features.${f.name}`);
  return (r) => column.values[r] ?? null;
}

/**
 * `parseNumberCell`: a cell of digits with an optional sign and at most one dot (nothing to trim,
 * what the pattern accepts) goes straight to Number(); any other cell through parseNumberCell.
 */
export function numberCell(cell: string): number | undefined {
  let i = cell.charCodeAt(0) === 0x2d || cell.charCodeAt(0) === 0x2b ? 1 : 0;
  let digits = 0;
  let dot = false;
  for (; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c === 0x2e && !dot) dot = true;
    else return parseNumberCell(cell);
  }
  return digits > 0 ? Number(cell) : parseNumberCell(cell);
}

/** The contract's features read from a CSV's columns, as the API would receive them. */
export function csvRows(csv: ParsedCsv, contract: ModelContract): FeatureRow[] {
  const columns = contract.features.map((feature) => ({ feature, read: cellReader(csv, feature) }));
  return Array.from({ length: csv.schema.rowCount }, (_, r) => {
    const row: FeatureRow = {};
    for (const { feature, read } of columns) {
      const cell = read(r);
      row[feature.name] =
        cell === null ? null : feature.type === 'numeric' ? (numberCell(cell) ?? null) : cell;
    }
    return row;
  });
}

/** Runs a session over rows; a model that cannot predict fails with its reason. */
export async function predictRows(
  session: ort.InferenceSession,
  contract: ModelContract,
  rows: FeatureRow[],
): Promise<Prediction[]> {
  const feeds = buildInputTensors(contract, { rows, root: 'rows', pathOf: (i) => `rows[${i}]` });
  return decodeOutputs(contract, await runSession(session, feeds), rows.length);
}

/**
 * The session's outputs for `feeds` (its inputs picked by name); a model that cannot predict
 * fails with its reason, naming `model`.
 */
export async function runSession(
  session: ort.InferenceSession,
  feeds: Readonly<Record<string, ort.Tensor>>,
): Promise<Record<string, ort.Tensor>> {
  const inputs = Object.fromEntries(session.inputNames.map((n) => [n, feeds[n]!]));
  try {
    return (await session.run(inputs)) as Record<string, ort.Tensor>;
  } catch (e) {
    throw new ValidationError(
      `model.onnx: inference failed (${(e as Error).message.split('\n')[0]})`,
      'model',
    );
  }
}

/** The rows scored and the training rows (clustering reads its input space from them). */
export interface ScoredRows {
  readonly rows: readonly FeatureRow[];
  readonly trainRows: readonly FeatureRow[];
  readonly seed: number;
}

/**
 * Test-set metrics from the ONNX predictions: against the CSV's target column, or for
 * clustering (no target) from the model's clusters and distances.
 */
export function scorePredictions(
  csv: ParsedCsv,
  contract: ModelContract,
  predictions: Prediction[],
  scored?: ScoredRows,
): Metrics {
  if (contract.task === 'clustering') {
    if (!scored) throw new ValidationError('clustering: scoring needs the rows', 'contract');
    return clusteringScore(contract, scored.rows, scored.trainRows, predictions, scored.seed);
  }
  if (!contract.target)
    throw new ValidationError('contract: has no target to score against', 'contract.target');
  const target = findColumn(csv, contract.target, 'target');
  if (contract.task === 'classification') {
    const classes = contract.classes ?? [];
    const index = new Map(classes.map((c, i) => [c, i]));
    const yTrue = target.values.map((v) => index.get(v ?? '') ?? -1);
    const yPred = predictions.map((p) => index.get(String(p.label)) ?? -1);
    const probs = new Float64Array(predictions.length * classes.length);
    predictions.forEach((p, i) =>
      classes.forEach((c, k) => (probs[i * classes.length + k] = p.probabilities?.[c] ?? 0)),
    );
    return classificationMetrics(yTrue, yPred, probs, classes);
  }
  const yTrue = target.values.map((v) => parseNumberCell(v ?? '') ?? Number.NaN);
  return regressionMetrics(
    yTrue,
    predictions.map((p) => p.value ?? Number.NaN),
  );
}

/** The prediction as the prediction log records it: a class label, a value, or a cluster id. */
export function predictionValue(p: Prediction): string | number | null {
  if (p.label !== undefined) return String(p.label);
  if (p.value !== undefined) return p.value;
  if (p.cluster !== undefined) return String(p.cluster);
  return null;
}
