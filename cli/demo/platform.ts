import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CirrusClient, ConnectionError, isLoopback } from '../client.js';
import type { GlobalOptions } from '../context.js';

export interface DemoPlatform {
  readonly client: CirrusClient;
  readonly url: string;
  /** Set when the demo started the embedded platform itself. */
  readonly dataDir?: string;
  readonly embedded: boolean;
  stop(): Promise<void>;
}

export interface EnsurePlatformOptions extends GlobalOptions {
  /** Data directory for an embedded platform. @default a fresh temporary directory */
  readonly demoDataDir?: string;
  /** Port for an embedded platform. @default the URL's port */
  readonly port?: number;
}

/**
 * A Cirrus to run the demo against: the one answering at the URL, else (for a loopback URL)
 * the embedded platform started in this process, which `stop()` shuts down at the end.
 */
export async function ensurePlatform(options: EnsurePlatformOptions): Promise<DemoPlatform> {
  const probe = new CirrusClient({
    url: options.url,
    token: options.token,
    dataDir: options.dataDir,
    profile: options.profile,
    region: options.region,
  });
  if (await probe.healthy()) return { client: probe, url: probe.url, embedded: false, stop: async () => {} };
  if (!isLoopback(probe.baseUrl)) throw new ConnectionError(probe.url, 'not answering /health');

  const dataDir = resolve(options.demoDataDir ?? (await mkdtemp(join(tmpdir(), 'cirrus-demo-'))));
  const port = options.port ?? Number(probe.baseUrl.port || 80);
  const { startLocalPlatform } = await import('../../local/runtime.js');
  const platform = await startLocalPlatform({ dataDir, port, token: options.token });
  const client = new CirrusClient({ url: platform.url, token: platform.token, sigv4: false });
  return {
    client,
    url: platform.url,
    dataDir: platform.dataDir,
    embedded: true,
    stop: () => platform.stop(),
  };
}
