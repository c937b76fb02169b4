import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the local runtime keeps its bearer token; the CLI reads it from here. */
export const tokenFile = (dataDir: string) => join(dataDir, 'token');

/**
 * The local API token: the one given, else the one kept in the data directory (so a restart
 * does not invalidate clients), else a new random one. Written with mode 0600.
 */
export async function resolveToken(dataDir: string, given?: string): Promise<string> {
  const file = tokenFile(dataDir);
  const token = given ?? (await readToken(dataDir)) ?? `cirrus_${randomBytes(24).toString('base64url')}`;
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

export async function readToken(dataDir: string): Promise<string | undefined> {
  try {
    const text = (await readFile(tokenFile(dataDir), 'utf8')).trim();
    return text || undefined;
  } catch {
    return undefined;
  }
}
