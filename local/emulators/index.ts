import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { destroyDeps, makeDeps } from '../../core/clients.js';
import { type CoreDeps, DEFAULT_BUCKET, DEFAULT_TABLE_NAMES, type TableNames } from '../../core/deps.js';
import { ensureTables } from './create-tables.js';
import { credentialsFile, LOCAL_PROFILE, resolveLocalCredentials } from './credentials.js';
import { type RunningServer, startDynalite, startS3rver } from './servers.js';
import type { LocalCredentials } from './sigv4-verify.js';

export { credentialsFile, LOCAL_PROFILE, resolveLocalCredentials, type LocalCredentials };
export const LOCAL_REGION = 'us-east-1';

export interface EmulatorEndpoints {
  readonly s3: string;
  readonly dynamodb: string;
}

export interface CreateDepsOptions {
  readonly endpoints: EmulatorEndpoints;
  /** The emulators' credentials (`Emulators.credentials`): they refuse any other signature. */
  readonly credentials: LocalCredentials;
  /** @default DEFAULT_BUCKET */
  readonly bucket?: string;
  /** @default DEFAULT_TABLE_NAMES */
  readonly tables?: TableNames;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * CoreDeps pointed at running emulators (real SDK v3 clients, the data dir's credentials). Their
 * S3 uploads are signed with an unsigned payload (as presigned URLs and AWS's own tools over
 * HTTPS are): the emulator checks the signature of method, path and headers, never the body's
 * hash, so hashing every body on the client bought nothing.
 */
export function createDeps(options: CreateDepsOptions): CoreDeps {
  const deps = makeDeps({
    region: LOCAL_REGION,
    s3Endpoint: options.endpoints.s3,
    dynamoEndpoint: options.endpoints.dynamodb,
    bucket: options.bucket,
    tables: options.tables,
    credentials: options.credentials,
    now: options.now,
  });
  deps.s3.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    },
    { step: 'build', name: 'cirrusLocalUnsignedPayload' },
  );
  return deps;
}

export interface StartEmulatorsOptions {
  /** Persistent state: `<dataDir>/dynamodb` (LevelDB) and `<dataDir>/s3` (files). @default '.cirrus' */
  readonly dataDir?: string;
  /** @default 0 (a free port) */
  readonly s3Port?: number;
  /** @default 0 (a free port) */
  readonly dynamoPort?: number;
  /** @default DEFAULT_BUCKET */
  readonly bucket?: string;
  /** @default DEFAULT_TABLE_NAMES */
  readonly tables?: TableNames;
  /** Clock handed to core (tests move time). @default () => new Date() */
  readonly now?: () => Date;
  /** The credentials requests must be signed with. @default the data dir's (resolveLocalCredentials) */
  readonly credentials?: LocalCredentials;
}

export interface Emulators {
  readonly deps: CoreDeps;
  readonly endpoints: EmulatorEndpoints;
  /** What a client must sign with (also in `credentialsFile(dataDir)`, for the AWS CLI). */
  readonly credentials: LocalCredentials;
  readonly dataDir: string;
  /** Closes the clients, then both servers after their in-flight writes finish. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite and s3rver on 127.0.0.1, persisting under `dataDir`, creates the Cirrus
 * tables (from `core/storage/tables.ts`) and the artifact bucket, and returns ready `CoreDeps`.
 * Starting again on the same `dataDir` sees everything written before `stop()`.
 *
 * @example
 * const emu = await startEmulators({ dataDir: '.cirrus' });
 * await registerModelVersion(emu.deps, input);
 * await emu.stop();
 */
export async function startEmulators(options: StartEmulatorsOptions = {}): Promise<Emulators> {
  const dataDir = resolve(options.dataDir ?? '.cirrus');
  const bucket = options.bucket ?? DEFAULT_BUCKET;
  const tables = options.tables ?? DEFAULT_TABLE_NAMES;
  const credentials = options.credentials ?? resolveLocalCredentials(dataDir);
  const started: RunningServer[] = [];
  try {
    const dynamo = await startDynalite(join(dataDir, 'dynamodb'), credentials, options.dynamoPort);
    started.push(dynamo);
    const s3 = await startS3rver(join(dataDir, 's3'), bucket, credentials, options.s3Port);
    started.push(s3);
    const endpoints = { s3: s3.endpoint, dynamodb: dynamo.endpoint };
    await createTables(endpoints.dynamodb, tables, credentials);
    const deps = createDeps({ endpoints, bucket, tables, now: options.now, credentials });
    return {
      deps,
      endpoints,
      credentials,
      dataDir,
      stop: async () => {
        destroyDeps(deps);
        await Promise.all(started.map((server) => server.stop()));
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((server) => server.stop()));
    throw error;
  }
}

async function createTables(
  endpoint: string,
  tables: TableNames,
  credentials: LocalCredentials,
): Promise<void> {
  const client = new DynamoDBClient({ region: LOCAL_REGION, endpoint, credentials });
  try {
    await ensureTables(client, tables);
  } finally {
    client.destroy();
  }
}
