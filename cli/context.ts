import type { Command } from 'commander';
import { CirrusClient } from './client.js';

/** Global options as every command sees them (`optsWithGlobals`). */
export interface GlobalOptions {
  readonly url?: string;
  readonly token?: string;
  readonly dataDir?: string;
  readonly profile?: string;
  readonly region?: string;
}

/**
 * The API client for a command, from the global options and the environment. Commands with
 * their own `--data-dir` (local up, demo) read the parent's through `parent.opts()` instead.
 */
export function clientFor(command: Command): CirrusClient {
  const root = rootOf(command).opts<GlobalOptions>();
  return new CirrusClient({
    url: root.url,
    token: root.token,
    dataDir: root.dataDir,
    profile: root.profile,
    region: root.region,
  });
}

export function rootOf(command: Command): Command {
  let c = command;
  while (c.parent) c = c.parent;
  return c;
}
