import type * as ort from 'onnxruntime-node';
import type { Metrics } from '../../contracts/metrics.js';
import type { ModelContract } from '../../contracts/model-contract.js';
import { readArtifactStream } from '../artifacts/index.js';
import { readCsvPlainFirst } from '../data/csv-plain-rows.js';
import { csvRecordsOfStream } from '../data/index.js';
import type { CoreDeps } from '../deps.js';
import type { BaselineProfileBuilder } from '../drift/profile.js';
import { ValidationError } from '../errors.js';
import { classificationMetrics, regressionMetrics } from '../ml/metrics.js';
import { type BatchPredictions, batchPredictions } from './batch-predictions.js';
import { batchLayout, FeatureBatch } from './feature-batch.js';
import { runSession } from './score-csv.js';

/**
 * Rows per onnxruntime call when Evaluate reads a channel's bytes: large batches keep the
 * runtime's per-call cost and thread hand-offs small (a batch of 20 float features is 5 MiB).
 */
export const BYTES_BATCH_ROWS = 65_536;

/** Runs the session on a batch; a model that cannot predict fails with its reason. */
async function predictBatch(
  session: ort.InferenceSession,
  contract: ModelContract,
  batch: FeatureBatch,
): Promise<BatchPredictions> {
  return batchPredictions(contract, await runSession(session, batch.tensors(contract)), batch.n);
}

/**
 * Streams a channel into batches (numbers straight from a plain file's bytes, csv-parse's
 * records past the first quote or '\r') and hands each full batch, and the last, to `use`.
 */
async function forEachBatch(
  deps: CoreDeps,
  contract: ModelContract,
  key: string,
  options: { withTarget: boolean; batchRows: number },
  use: (batch: FeatureBatch) => Promise<void>,
): Promise<void> {
  let batch: FeatureBatch | undefined;
  const flush = async () => {
    if (!batch?.n) return;
    await use(batch);
    batch.n = 0;
  };
  await readCsvPlainFirst(
    readArtifactStream(deps, { key }),
    key,
    (source) => csvRecordsOfStream(source, key),
    (names) => {
      const layout = batchLayout(contract, names, options.withTarget);
      batch = new FeatureBatch(layout, options.batchRows);
      const full: FeatureBatch[] = [];
      const spare: FeatureBatch[] = [];
      // A chunk's lines may overflow a batch: full batches queue until the chunk's drain.
      const next = () => {
        if (!batch!.full) return batch!;
        const first = batch!.first + batch!.n;
        full.push(batch!);
        batch = spare.pop() ?? new FeatureBatch(layout, options.batchRows);
        batch.first = first;
        return batch;
      };
      return {
        bytes: (buf, bounds) => next().addBytes(buf, bounds),
        cells: (cells) => next().addCells(cells),
        drain: async () => {
          for (let b = full.shift(); b; b = full.shift()) {
            await use(b);
            b.n = 0;
            spare.push(b);
          }
        },
      };
    },
  );
  await flush();
}

/** Test-set metrics from a channel's bytes: `scorePredictions`' figures. */
export async function scoreTestBytes(
  deps: CoreDeps,
  session: ort.InferenceSession,
  contract: ModelContract,
  key: string,
  batchRows = BYTES_BATCH_ROWS,
): Promise<Metrics> {
  if (!contract.target)
    throw new ValidationError('contract: has no target to score against', 'contract.target');
  const yTrue: number[] = [];
  const yPred: number[] = [];
  const probs: number[] = [];
  await forEachBatch(deps, contract, key, { withTarget: true, batchRows }, async (batch) => {
    const predicted = await predictBatch(session, contract, batch);
    for (let r = 0; r < batch.n; r++) yTrue.push(batch.target[r]!);
    for (let r = 0; r < batch.n; r++) yPred.push(predicted.yPred[r]!);
    for (let i = 0; i < predicted.probs.length; i++) probs.push(predicted.probs[i]!);
  });
  const classes = contract.classes ?? [];
  return contract.task === 'classification'
    ? classificationMetrics(yTrue, yPred, Float64Array.from(probs), classes)
    : regressionMetrics(yTrue, yPred);
}

/** Feeds a training channel's bytes and their predictions to the baseline's builder, batch by batch. */
export async function trainingProfileBytes(
  deps: CoreDeps,
  session: ort.InferenceSession,
  contract: ModelContract,
  key: string,
  builder: BaselineProfileBuilder,
  batchRows = BYTES_BATCH_ROWS,
): Promise<void> {
  await forEachBatch(deps, contract, key, { withTarget: false, batchRows }, async (batch) => {
    const predicted = await predictBatch(session, contract, batch);
    builder.addColumns(batch.n, batch.columns, predicted.values);
  });
}
