import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

// dynalite and s3rver ship no type declarations; these are the parts Cirrus uses.
interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}
interface S3rverOptions {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets?: { name: string }[];
}
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}

const require = createRequire(import.meta.url);
const dynalite: (options: DynaliteOptions) => Server = require('dynalite');
const S3rver: new (options: S3rverOptions) => S3rverInstance = require('s3rver');

/** A started emulator: its endpoint and how to stop it. */
export interface RunningServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

function listen(server: Server, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address && typeof address === 'object') resolve(address);
      else reject(new Error('dynalite did not report a TCP address'));
    });
  });
}

/**
 * dynalite on LevelDB under `directory`. Its `close()` waits for pending writes and closes the
 * database, so a stop/start cycle loses nothing.
 */
export async function startDynalite(directory: string, port = 0): Promise<RunningServer> {
  await mkdir(directory, { recursive: true });
  const server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const address = await listen(server, port);
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        // In-flight requests finish; idle keep-alive sockets would otherwise hold close() open.
        server.closeIdleConnections();
      }),
  };
}

/** s3rver on the filesystem under `directory`, with `bucket` created if missing. */
export async function startS3rver(directory: string, bucket: string, port = 0): Promise<RunningServer> {
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: async () => {
      const closing = server.close();
      server.httpServer?.closeIdleConnections();
      await closing;
    },
  };
}
