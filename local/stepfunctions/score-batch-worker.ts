/**
 * A worker thread of `workerHandler` (worker-handler.ts) running the batch state machine's
 * ScoreBatch: the same handler as in the main thread (lambdas/batch/handlers.ts), with its own
 * clients to the same emulators and its own session cache (the pinned model loads once per thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CsvHeader } from '../../core/batch/csv-row.js';
import { createBatchHandlers } from '../../lambdas/batch/handlers.js';
import { createDeps, type CreateDepsOptions } from '../emulators/index.js';
import '../polyfills.js';
import { type FromWorker, fromWire, type ToWorker } from './worker-handler.js';

const port = parentPort!;
const deps = createDeps(workerData.config as CreateDepsOptions);
const score = createBatchHandlers(deps).ScoreBatch;
const headers = new Map<string, CsvHeader>();

port.on('message', ({ id, wire }: ToWorker) => {
  score(fromWire(wire, headers)).then(
    (result) => port.postMessage({ id, result } satisfies FromWorker),
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({
        id,
        error: { name: e.name, message: e.message, stack: e.stack },
      } satisfies FromWorker);
    },
  );
});
port.postMessage({ ready: true } satisfies FromWorker);
