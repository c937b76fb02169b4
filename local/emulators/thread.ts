import { Worker } from 'node:worker_threads';
import { destroyDeps } from '../../core/clients.js';
import { createDeps, type EmulatorEndpoints, type Emulators, type StartEmulatorsOptions } from './index.js';

/** Messages between the main thread and the emulators' thread. */
export type ToThread = { readonly type: 'stop' };
export type FromThread =
  | { readonly type: 'ready'; readonly endpoints: EmulatorEndpoints; readonly dataDir: string }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'stopped'; readonly error?: string };

/**
 * `startEmulators` with dynalite and s3rver on a worker thread of this process: the same
 * servers, files and endpoints, but their work (parsing requests, LevelDB, the prediction log's
 * writes) no longer shares the thread that answers the API. The local runtime runs them this
 * way: they took ~8 % of that thread's time under single-row prediction load. Measured on this
 * 2-core machine (bench/serving.ts, two runs of 3 rounds): a 10,000-row batch answers in 71-86 ms
 * against 118-129 ms with the emulators on the main thread; single-row throughput is within
 * noise either way (wrk: 6,232 vs 5,654 and 6,416 vs 7,304 req/s) at ~20 % more CPU per answer
 * (180 vs 150 us) — crossing threads costs CPU, and frees the API's thread where cores are spare.
 *
 * @example
 * const emu = await startEmulatorsThread({ dataDir: '.cirrus' });
 * await registerModelVersion(emu.deps, input);
 * await emu.stop();
 */
export async function startEmulatorsThread(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const { now, ...threadOptions } = options; // a clock cannot cross threads; deps use it here
  const worker = new Worker(new URL('./thread-entry.mjs', import.meta.url), {
    workerData: { entry: new URL('./thread-main.ts', import.meta.url).href, options: threadOptions },
  });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const ready = await firstMessage(worker, exited);
  if (ready.type !== 'ready') {
    await worker.terminate();
    throw new Error(`the emulators did not start: ${ready.type === 'failed' ? ready.error : ready.type}`);
  }
  const { endpoints, dataDir } = ready;
  const deps = createDeps({ endpoints, bucket: options.bucket, tables: options.tables, now });
  let stopping: Promise<void> | undefined;
  return {
    deps,
    endpoints,
    dataDir,
    stop: () =>
      (stopping ??= (async () => {
        destroyDeps(deps);
        const stopped = firstMessage(worker, exited);
        worker.postMessage({ type: 'stop' } satisfies ToThread);
        const answer = await stopped;
        await worker.terminate();
        if (answer.type === 'stopped' && answer.error)
          throw new Error(`stopping the emulators: ${answer.error}`);
      })()),
  };
}

/** The thread's next message; rejects if it fails or exits first. */
function firstMessage(worker: Worker, exited: Promise<number>): Promise<FromThread> {
  return new Promise<FromThread>((resolve, reject) => {
    const onMessage = (message: FromThread) => {
      worker.off('error', onError);
      resolve(message);
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
    void exited.then((code) => reject(new Error(`the emulators' thread exited (code ${code})`)));
  });
}
