import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { FastFilesystemStore } from './fast-store.js';
import { fastObjectRequests } from './s3-fast-path.js';
import { type LocalCredentials, type Refusal, sha256Hex, verifySigV4 } from './sigv4-verify.js';

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
  callback(): RequestListener;
  store: { listObjects: ListObjects };
  context: { store: unknown };
  middleware: { name: string }[];
}
interface ListOptions {
  delimiter?: string;
  prefix?: string;
  maxKeys?: number;
  startAfter?: string;
}
interface ListResult {
  objects: { key: string }[];
  commonPrefixes: string[];
  isTruncated: boolean;
}
type ListObjects = (bucket: string, options: ListOptions) => Promise<ListResult>;

const require = createRequire(import.meta.url);
const dynalite: (options: DynaliteOptions) => Server = require('dynalite');
const S3rver: new (options: S3rverOptions) => S3rverInstance = require('s3rver');
/** s3rver's one account, whose key pairs its own signature check accepts (S3RVER/S3RVER built in). */
const s3rverAccount: {
  createKeyPair(id: string, secret: string): void;
  revokeAccessKey(id: string): void;
} = require('s3rver/lib/models/account.js').DUMMY_ACCOUNT;

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
export async function startDynalite(
  directory: string,
  credentials: LocalCredentials,
  port = 0,
): Promise<RunningServer> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const server = dynalite({ path: directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const [handler] = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', signedDynamoRequests(handler, credentials));
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

/**
 * s3rver on the filesystem under `directory`, with `bucket` created if missing; it answers only
 * requests signed with `credentials` and refuses keys that would leave `directory`.
 */
export async function startS3rver(
  directory: string,
  bucket: string,
  credentials: LocalCredentials,
  port = 0,
  /** s3rver as it ships: its own store, every request through Koa (bench/s3-emulator.ts compares). */
  { plain = false }: { plain?: boolean } = {},
): Promise<RunningServer> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  // s3rver checks signatures too, against its account's keys: this data dir's pair, not the
  // well-known S3RVER/S3RVER it ships with.
  s3rverAccount.revokeAccessKey('S3RVER');
  s3rverAccount.createKeyPair(credentials.accessKeyId, credentials.secretAccessKey);
  const fast = plain ? undefined : new FastFilesystemStore(directory);
  const store = (fast ?? server.store) as S3rverInstance['store'];
  store.listObjects = listingWithDeepPrefixes(store.listObjects.bind(store));
  server.store = server.context.store = store;
  // koa-logger formats (with colours) every request even when s3rver is silent; nothing reads it.
  server.middleware = server.middleware.filter((middleware) => middleware.name !== 'logger');
  const koa = server.callback.bind(server);
  server.callback = () => signedS3Requests(fast ? fastObjectRequests(fast, koa()) : koa(), credentials);
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

/** Refuses a DynamoDB request not signed with `credentials` (its body hash is part of the signature). */
function signedDynamoRequests(handler: RequestListener, credentials: LocalCredentials): RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_DYNAMO_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_DYNAMO_BODY)
        return refuseDynamo(res, 413, { code: 'SignatureDoesNotMatch', message: 'request too large' });
      const body = Buffer.concat(chunks);
      const refusal = verifySigV4({ ...requestParts(req), payloadHash: sha256Hex(body) }, credentials);
      if (refusal) return refuseDynamo(res, 400, refusal);
      handler(replayed(req, body), res);
    });
  };
}

/** dynalite's own limit (16 MB); beyond it the request is refused unread. */
const MAX_DYNAMO_BODY = 16 * 1024 * 1024;

const requestParts = (req: IncomingMessage) => ({
  method: req.method ?? 'GET',
  url: req.url ?? '/',
  headers: req.headers,
});

/** What dynalite reads of a request (method, url, headers, then data/end events), with the body already read. */
function replayed(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = Object.assign(new EventEmitter(), {
    method: req.method,
    url: req.url,
    headers: req.headers,
    socket: req.socket,
  });
  setImmediate(() => {
    if (body.length > 0) copy.emit('data', body);
    copy.emit('end');
  });
  return copy as unknown as IncomingMessage;
}

function refuseDynamo(res: ServerResponse, status: number, refusal: Refusal): void {
  const type =
    refusal.code === 'SignatureDoesNotMatch' ? 'InvalidSignatureException' : 'UnrecognizedClientException';
  const body = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message: refusal.message });
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Refuses an S3 request not signed with `credentials` (S3 signs the body's hash as the
 * `x-amz-content-sha256` header states it), and one whose key has a `.` or `..` segment once
 * decoded: s3rver joins keys to its directory, so `..%2F..%2Fx` would write outside it.
 */
function signedS3Requests(handler: RequestListener, credentials: LocalCredentials): RequestListener {
  return (req, res) => {
    const payloadHash = req.headers['x-amz-content-sha256'];
    const refusal =
      typeof payloadHash === 'string'
        ? verifySigV4({ ...requestParts(req), payloadHash }, credentials)
        : req.headers.authorization
          ? { code: 'SignatureDoesNotMatch' as const, message: 'x-amz-content-sha256 is required' }
          : verifySigV4({ ...requestParts(req), payloadHash: '' }, credentials);
    if (refusal) return refuseS3(res, 403, refusal.code, refusal.message);
    if (escapesBucket(req.url ?? '/'))
      return refuseS3(res, 400, 'InvalidArgument', 'object keys may not have . or .. segments');
    handler(req, res);
  };
}

function escapesBucket(url: string): boolean {
  const path = url.split('?')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return (
    decoded.split(/[/\\]/).some((segment) => segment === '..' || segment === '.') || decoded.includes('\0')
  );
}

function refuseS3(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * s3rver's listing with a delimiter skips directories below the first level, so a key two
 * levels deep never yields its common prefix (`s3 ls s3://bucket/` listed nothing when every
 * key was `models/<name>/...`). This lists every key under the prefix and groups them itself.
 */
function listingWithDeepPrefixes(list: ListObjects): ListObjects {
  return async (bucket, options) => {
    const delimiter = options.delimiter ?? '';
    if (!delimiter) return list(bucket, options);
    const all = await list(bucket, { ...options, delimiter: '', maxKeys: Infinity });
    const prefix = options.prefix ?? '';
    const maxKeys = options.maxKeys ?? Infinity;
    const commonPrefixes = new Set<string>();
    const objects: ListResult['objects'] = [];
    let isTruncated = false;
    for (const object of [...all.objects].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      const idx = object.key.indexOf(delimiter, prefix.length);
      if (idx !== -1) commonPrefixes.add(object.key.slice(0, idx + delimiter.length));
      else if (objects.length < maxKeys) objects.push(object);
      else {
        isTruncated = true;
        break;
      }
    }
    return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated };
  };
}
