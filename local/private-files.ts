import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Makes `dataDir` private to this user: the directory and every directory below it 0700,
 * every file 0600 (a data dir written by an older version had 0755 and 0644). It holds the
 * registry, datasets, models, logged requests, the API token and the emulators' credentials.
 * New files stay private because `cirrus local up` runs with umask 077.
 */
export async function makePrivate(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await tighten(dataDir);
}

async function tighten(path: string): Promise<void> {
  const stat = await lstat(path).catch(() => undefined);
  if (!stat || stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o077) !== 0) await chmod(path, 0o700);
    for (const name of await readdir(path)) await tighten(join(path, name));
  } else if ((stat.mode & 0o077) !== 0) await chmod(path, 0o600);
}
