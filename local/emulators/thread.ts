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
 * way: they took ~8 % of that thread's time under single-row prediction load. Measured with
 * bench/serving.ts (medians of 3 rounds, one run): with wrk 6,232 req/s against 5,654 with the
 * emulators on the main thread, and a 10,000-row batch in 86 ms against 129 ms; with the Node
 * load generator, which competes for the same two cores, 4,456 against 4,929.
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
