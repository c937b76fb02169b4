/**
 * The emulators in a process of their own, for bench/serving.ts: started with the data
 * directory as argv[2], it sends its endpoints to the parent and stops on the message 'stop'.
 */
import { startEmulators } from '../local/emulators/index.js';

const emulators = await startEmulators({ dataDir: process.argv[2] });
process.send?.({ endpoints: emulators.endpoints, credentials: emulators.credentials });
process.on('message', (message) => {
  if (message === 'stop') void emulators.stop().then(() => process.exit(0));
});
