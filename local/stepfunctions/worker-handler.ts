import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CsvHeader, CsvRow } from '../../core/batch/csv-row.js';
import type { LocalHandler } from './lambda-task.js';

/**
 * A payload as it crosses to a worker thread: raw CSV rows (CsvRow) travel as their lines and
 * one header each, not as cloned objects; `fromWire` rebuilds the same payload on the other side.
 */
export interface WirePayload {
  readonly payload: unknown;
  readonly raw?: {
    readonly headers: (readonly string[])[];
    /** Per raw row: its item's index in Items, its header's index, its line. */
    readonly at: number[];
    readonly header: number[];
    readonly lines: string[];
  };
}

/** Replaces every `Items[i].values` that is a CsvRow by null and carries its line beside. */
export function toWire(payload: unknown): WirePayload {
  const items = (payload as { Items?: unknown } | null)?.Items;
  if (!Array.isArray(items)) return { payload };
  const headers: CsvHeader[] = [];
  const at: number[] = [];
  const header: number[] = [];
  const lines: string[] = [];
  const copy = items.map((item: unknown, i) => {
    const values = (item as { values?: unknown } | null)?.values;
    if (!(values instanceof CsvRow)) return item;
    let h = headers.indexOf(values.header);
    if (h === -1) h = headers.push(values.header) - 1;
    at.push(i);
    header.push(h);
    lines.push(values.line);
    return { ...(item as object), values: null };
  });
  if (lines.length === 0) return { payload };
  const raw = { headers: headers.map((h) => h.names), at, header, lines };
  return { payload: { ...(payload as object), Items: copy }, raw };
}

/** The payload `toWire` was given (raw rows as CsvRow again, sharing one CsvHeader per header). */
export function fromWire(wire: WirePayload, headers = new Map<string, CsvHeader>()): unknown {
  const { payload, raw } = wire;
  if (!raw) return payload;
  const shared = raw.headers.map((names) => {
    const key = JSON.stringify(names);
    let h = headers.get(key);
    if (!h) headers.set(key, (h = CsvHeader.of(names) as CsvHeader));
    return h;
  });
  const items = (payload as { Items: { values: unknown }[] }).Items;
  for (let k = 0; k < raw.at.length; k++)
    items[raw.at[k]].values = new CsvRow(shared[raw.header[k]], raw.lines[k]);
  return payload;
}

/** Messages between the pool and its workers. */
export type ToWorker = { readonly id: number; readonly wire: WirePayload };
export type FromWorker =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: { name: string; message: string; stack?: string } }
  | { readonly ready: true };

export interface WorkerHandlerOptions {
  /** The module a worker imports (see score-batch-worker.ts): it answers ToWorker messages. */
  readonly entry: URL;
  /** Handed to the module as workerData.config (structured-cloneable). */
  readonly config: unknown;
  /** @default workerThreadsFor() */
  readonly threads?: number;
}

/**
 * Worker threads the batch children can use: one per core beyond the two the main thread and
 * the emulators' thread already keep busy, at least one, at most four.
 */
export function workerThreadsFor(cores = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores - 2));
}

/**
 * A LocalHandler that runs on worker threads: each call goes to the thread with the fewest calls
 * in flight, and answers (or throws an Error with the same name and message) as the handler
 * would in this thread. The Distributed Map's children are independent by design, so they may
 * run in parallel; the data-limit check, retries and results stay on the caller's side.
 */
export async function workerHandler(
  options: WorkerHandlerOptions,
): Promise<{ handler: LocalHandler; close(): Promise<void> }> {
  const count = options.threads ?? workerThreadsFor();
  const pool = await Promise.all(Array.from({ length: count }, () => startWorker(options)));
  let next = 0;
  const handler: LocalHandler = (payload) => {
    const slot = pool.reduce((best, w) => (w.waiting.size < best.waiting.size ? w : best), pool[0]);
    const id = next++;
    return new Promise<unknown>((resolve, reject) => {
      slot.waiting.set(id, { resolve, reject });
      slot.worker.postMessage({ id, wire: toWire(payload) } satisfies ToWorker);
    });
  };
  return {
    handler,
    async close() {
      await Promise.all(pool.map((w) => w.worker.terminate()));
    },
  };
}

interface Call {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Starts one worker (the shared tsx entry imports options.entry) and waits for its ready message. */
async function startWorker(
  options: WorkerHandlerOptions,
): Promise<{ worker: Worker; waiting: Map<number, Call> }> {
  const entry = new URL('../emulators/thread-entry.mjs', import.meta.url);
  const worker = new Worker(entry, { workerData: { entry: options.entry.href, config: options.config } });
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', () => resolve());
  });
  const waiting = new Map<number, Call>();
  worker.on('message', (message: FromWorker) => {
    if ('ready' in message) return;
    const call = waiting.get(message.id);
    waiting.delete(message.id);
    if ('result' in message) call?.resolve(message.result);
    else call?.reject(Object.assign(new Error(message.error.message), message.error));
  });
  const failAll = (error: unknown) => {
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`a batch worker thread exited (code ${code})`)));
  return { worker, waiting };
}
