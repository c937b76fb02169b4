import { Worker } from 'node:worker_threads';
import { destroyDeps } from '../../core/clients.js';
import {
  createDeps,
  type EmulatorEndpoints,
  type Emulators,
  type LocalCredentials,
  type StartEmulatorsOptions,
} from './index.js';

/** Messages between the main thread and the emulators' thread. */
export type ToThread = { readonly type: 'stop' };
export type FromThread =
  | {
      readonly type: 'ready';
      readonly endpoints: EmulatorEndpoints;
      readonly credentials: LocalCredentials;
      readonly dataDir: string;
    }
  | { readonly type: 'failed'; readonly error: string }
  | { readonly type: 'stopped'; readonly error?: string };

/**
 * `startEmulators` with dynalite and s3rver on a worker thread of this process: the same
 * servers, files and endpoints, but their JavaScript (parsing requests, dynalite's item
 * handling, the prediction log's writes as the emulator sees them) never runs on the thread
 * that answers the API. The local runtime runs them this way: crossing threads costs a little
 * CPU and buys isolation (bench/serving.ts runs the emulators both ways, side by side).
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
  const { endpoints, dataDir, credentials } = ready;
  const deps = createDeps({ endpoints, credentials, bucket: options.bucket, tables: options.tables, now });
  let stopping: Promise<void> | undefined;
  return {
    deps,
    endpoints,
    credentials,
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
