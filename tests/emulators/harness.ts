import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { CoreDeps } from '../../core/deps.js';
import { type Emulators, startEmulators } from '../../local/emulators/index.js';

/** A settable clock for tests that need "as of" answers. */
export interface TestClock {
  now: () => Date;
  set(iso: string): void;
  /** Moves the clock forward by `ms` and returns the new time. */
  advance(ms: number): Date;
}

export function testClock(start = '2030-01-01T00:00:00.000Z'): TestClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = new Date(iso);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
      return new Date(current);
    },
  };
}

/**
 * Real dynalite + s3rver for one test file, in a fresh temp data dir; `deps()` is valid between
 * beforeAll and afterAll.
 */
export function useEmulators(options: { now?: () => Date } = {}): {
  deps: () => CoreDeps;
  emulators: () => Emulators;
} {
  let emulators: Emulators | undefined;
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cirrus-test-'));
    emulators = await startEmulators({ dataDir, now: options.now });
  });
  afterAll(async () => {
    await emulators?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  const get = (): Emulators => {
    if (!emulators) throw new Error('emulators not started (use inside a test)');
    return emulators;
  };
  return { deps: () => get().deps, emulators: get };
}
