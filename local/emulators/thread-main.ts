/**
 * The emulators' side of local/emulators/thread.ts, run on a worker thread: starts dynalite and
 * s3rver with the options it was given, reports their endpoints, stops them on request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type StartEmulatorsOptions, startEmulators } from './index.js';
import type { FromThread, ToThread } from './thread.js';

const port = parentPort!;
const post = (message: FromThread) => port.postMessage(message);

try {
  const emulators = await startEmulators(workerData.options as StartEmulatorsOptions);
  port.on('message', (message: ToThread) => {
    if (message.type !== 'stop') return;
    emulators.stop().then(
      () => post({ type: 'stopped' }),
      (error: unknown) => post({ type: 'stopped', error: String(error) }),
    );
  });
  post({
    type: 'ready',
    endpoints: emulators.endpoints,
    credentials: emulators.credentials,
    dataDir: emulators.dataDir,
  });
} catch (error) {
  post({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
