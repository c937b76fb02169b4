import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

/**
 * `<dataDir>/platform.json`: which process serves a data directory, and where. One platform per
 * data directory (the emulators' stores allow one writer): a second start is refused with the
 * running one's URL and pid, instead of failing deep inside the database.
 */
const InstanceSchema = z.object({ pid: z.number().int().positive(), url: z.string() });
export type Instance = z.infer<typeof InstanceSchema>;

const fileOf = (dataDir: string) => join(dataDir, 'platform.json');

/** The platform running on `dataDir`, or undefined (no file, unreadable, or its process is gone). */
export async function runningInstance(dataDir: string): Promise<Instance | undefined> {
  let parsed: Instance;
  try {
    parsed = InstanceSchema.parse(JSON.parse(await readFile(fileOf(dataDir), 'utf8')));
  } catch {
    return undefined;
  }
  if (parsed.pid === process.pid) return undefined;
  try {
    process.kill(parsed.pid, 0);
    return parsed;
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? parsed : undefined;
  }
}

/** Thrown when a data directory is already served. */
export class AlreadyRunningError extends Error {
  constructor(
    readonly dataDir: string,
    readonly instance: Instance,
  ) {
    super(
      `Cirrus is already running on data dir ${dataDir}: ${instance.url} (pid ${instance.pid}); use it, stop it, or start another with --data-dir`,
    );
    this.name = 'AlreadyRunningError';
  }
}

/** @throws AlreadyRunningError when a live process serves `dataDir`. */
export async function assertNotRunning(dataDir: string): Promise<void> {
  const instance = await runningInstance(dataDir);
  if (instance) throw new AlreadyRunningError(dataDir, instance);
}

export async function recordInstance(dataDir: string, url: string): Promise<void> {
  await writeFile(fileOf(dataDir), `${JSON.stringify({ pid: process.pid, url })}\n`);
}

/** Removes the file if it is still this process's. */
export async function forgetInstance(dataDir: string): Promise<void> {
  const instance = await readFile(fileOf(dataDir), 'utf8').catch(() => '');
  if (instance.includes(`"pid":${process.pid},`)) await rm(fileOf(dataDir), { force: true });
}
