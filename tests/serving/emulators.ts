import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreDeps } from '../../core/deps.js';
import { startEmulators } from '../../local/emulators/index.js';

export interface TestEmulators {
  readonly deps: CoreDeps;
  close(): Promise<void>;
}

/** Real dynalite + s3rver in a scratch data directory, removed on close. */
export async function startTestEmulators(now?: () => Date): Promise<TestEmulators> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cirrus-serving-'));
  const emu = await startEmulators({ dataDir, now });
  return {
    deps: emu.deps,
    async close() {
      await emu.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
