import type * as ort from 'onnxruntime-node';
import type { Prediction } from '../../contracts/serving.js';
import {
  concatRows,
  decodeOutputs,
  type EncodedRows,
  encodeRows,
  type RowSource,
  tensorsOf,
} from '../ml/onnx-io.js';
import { NonFiniteOutputError } from '../errors.js';
import type { LoadedModel } from './session-cache.js';

/** Requests with more rows than this run on their own (a big batch gains nothing from company). */
const COALESCE_MAX_ROWS = 64;
/** Most rows in one coalesced run, so a burst cannot build one huge tensor. */
const RUN_MAX_ROWS = 1024;

interface Waiting {
  readonly rows: EncodedRows;
  resolve(predictions: Prediction[]): void;
  reject(error: unknown): void;
}

/**
 * Dynamic micro-batching: small requests to one version that arrive in the same event-loop turn
 * (several sockets read in one poll phase) share one onnxruntime run, flushed on `setImmediate`.
 * A run's fixed cost (on the main thread) dominates a one-row request (bench/serving.ts); the answers
 * are the same as separate runs because every supported graph scores rows independently.
 */
class Coalescer {
  private queue: Waiting[] = [];
  private queuedRows = 0;

  constructor(private readonly loaded: LoadedModel) {}

  add(rows: EncodedRows): Promise<Prediction[]> {
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) setImmediate(() => this.flush());
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.n;
      if (this.queuedRows >= RUN_MAX_ROWS) this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queuedRows = 0;
    run(this.loaded, concatRows(batch.map((w) => w.rows))).then(
      (outputs) => {
        let start = 0;
        try {
          // Per waiter: one caller's non-finite answer fails that caller only.
          for (const w of batch) {
            try {
              w.resolve(finite(decodeOutputs(this.loaded.contract, outputs, w.rows.n, start)));
            } catch (error) {
              w.reject(error);
            }
            start += w.rows.n;
          }
        } finally {
          for (const t of Object.values(outputs)) t.dispose();
        }
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    );
  }
}

const coalescers = new WeakMap<LoadedModel, Coalescer>();

function run(loaded: LoadedModel, rows: EncodedRows): Promise<ort.InferenceSession.OnnxValueMapType> {
  const feeds = tensorsOf(loaded.contract, rows);
  // Only feed the inputs the graph declares: a contract never has more groups than the graph.
  const inputs: Record<string, ort.Tensor> = {};
  for (const name of loaded.session.inputNames) inputs[name] = feeds[name];
  return loaded.session.run(inputs);
}

/**
 * Validates rows against the loaded model's contract, runs its session and decodes the answer.
 * Throws a ValidationError naming the field before inference when a row is wrong (validation is
 * per request, so one caller's bad row never fails another's coalesced run).
 */
export async function runModel(loaded: LoadedModel, source: RowSource): Promise<Prediction[]> {
  const rows = encodeRows(loaded.contract, source);
  if (rows.n <= COALESCE_MAX_ROWS) {
    let coalescer = coalescers.get(loaded);
    if (!coalescer) {
      coalescer = new Coalescer(loaded);
      coalescers.set(loaded, coalescer);
    }
    return coalescer.add(rows);
  }
  return runEncoded(loaded, rows);
}

/**
 * Runs rows already validated and laid out for the contract (see `encodeRows`) in one session
 * run, without coalescing: for callers that build the tensors' data themselves (batch scoring).
 */
export async function runEncoded(loaded: LoadedModel, rows: EncodedRows): Promise<Prediction[]> {
  return runOutputs(loaded, rows, (outputs) => finite(decodeOutputs(loaded.contract, outputs, rows.n)));
}

/**
 * Runs already-encoded rows and hands the raw output tensors to `read` (disposed after it): for
 * callers that turn outputs into something other than Prediction objects (batch output lines).
 */
export async function runOutputs<T>(
  loaded: LoadedModel,
  rows: EncodedRows,
  read: (outputs: Readonly<Record<string, ort.Tensor>>) => T,
): Promise<T> {
  const outputs = await run(loaded, rows);
  try {
    return read(outputs);
  } finally {
    for (const t of Object.values(outputs)) t.dispose();
  }
}

/**
 * Refuses predictions with a non-finite output (NaN or ±Infinity probabilities, value or
 * distances: e.g. a feature of 1e308 overflows float32): never answered, never logged, since
 * JSON turns them into `null` and the logged record could not be read back.
 */
export function finite(predictions: Prediction[]): Prediction[] {
  predictions.forEach((p, row) => {
    const bad = nonFinite(p);
    if (bad) {
      throw new NonFiniteOutputError(
        `row ${row}: the model's ${bad} is not a finite number (an input is out of the model's range, e.g. 1e308)`,
      );
    }
  });
  return predictions;
}

function nonFinite(p: Prediction): string | undefined {
  if (p.value !== undefined && !Number.isFinite(p.value)) return 'value';
  if (p.probabilities && !Object.values(p.probabilities).every(Number.isFinite)) return 'probabilities';
  if (p.distances && !p.distances.every(Number.isFinite)) return 'distances';
  return undefined;
}
