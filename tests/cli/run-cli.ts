import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';

const BIN = fileURLToPath(new URL('../../bin/cirrus.js', import.meta.url));

/** `cirrus train` on the built-in iris dataset (target `target`), the algorithm still to add. */
export const IRIS_TRAIN_ARGS: readonly string[] = [
  'train',
  '--experiment',
  'iris',
  '--task',
  'classification',
  '--dataset',
  'iris',
  '--target',
  'target',
];

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node bin/cirrus.js …` as a user would, with the given environment (CIRRUS_URL,
 * CIRRUS_TOKEN, …) on top of a clean one: no inherited CIRRUS_* settings, no colors.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CIRRUS_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...base, NO_COLOR: '1', ...env }, maxBuffer: 32 * 1024 * 1024, timeout: 300_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The cells of the table row whose first cell is `first` (cli-table3's │-separated lines). */
export function tableRow(text: string, first: string): string[] | undefined {
  for (const line of text.split('\n')) {
    const cells = line
      .split('│')
      .slice(1, -1)
      .map((c) => c.trim());
    if (cells[0] === first) return cells;
  }
  return undefined;
}

/** A loopback port nothing listens on (bound once, then released). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One embedded platform in a temporary directory, driven through the CLI by a test file. */
export interface CliPlatform {
  readonly dir: string;
  readonly platform: LocalPlatform;
  readonly env: Record<string, string>;
  cli(...args: string[]): Promise<CliResult>;
  /** Stops the platform and removes the directory. */
  stop(): Promise<void>;
}

/** Starts a platform (no scheduler, a free port) under a new temp dir named `prefix…`. */
export async function startCliPlatform(prefix: string): Promise<CliPlatform> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const platform = await startLocalPlatform({ dataDir: join(dir, 'data'), port: 0, scheduler: false });
  const env = { CIRRUS_URL: platform.url, CIRRUS_TOKEN: platform.token };
  return {
    dir,
    platform,
    env,
    cli: (...args) => runCli(args, env),
    stop: async () => {
      await platform.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
