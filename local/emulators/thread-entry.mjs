// Entry of the emulators' worker thread (local/emulators/thread.ts): a worker starts without
// the TypeScript loader its parent may run under (bin/cirrus.js, vitest), so it registers
// tsx itself before importing the TypeScript module named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
