import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import type { FastFilesystemStore, StoredObject } from './fast-store.js';

const require = createRequire(import.meta.url);
const S3Object: new (
  bucket: string,
  key: string,
  content: IncomingMessage | null,
  metadata: IncomingMessage['headers'],
) => StoredObject = require('s3rver/lib/models/object.js');
const { capitalizeHeader } = require('s3rver/lib/utils.js') as { capitalizeHeader(name: string): string };

/** Headers whose semantics only s3rver implements (copy, conditions, ranges, CORS, checksums, chunked signing). */
const S3RVER_HEADERS = [
  'x-amz-copy-source',
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'content-md5',
  'origin',
  'x-amz-website-redirect-location',
];
const SDK_OPERATION_QUERY = /\?x-id=(PutObject|GetObject|HeadObject)$/;
/** Path-style requests to this machine (a virtual-hosted name would carry the bucket in the host). */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost)(:\d+)?$/;

interface Target {
  readonly bucket: string;
  readonly key: string;
}

/**
 * PutObject, GetObject and HeadObject in their plain form (path-style, no query, none of the
 * headers above), answered straight from the store with the same status, headers and body
 * s3rver answers them with; everything else, and any object or bucket that does not exist, goes
 * to `s3rver`. s3rver runs every request through Koa, its router, CORS, website, vhost and
 * signature middleware; for the part objects a batch job writes and reads that was most of the
 * emulator's CPU. Requests reach this handler only after the SigV4 check.
 */
export function fastObjectRequests(store: FastFilesystemStore, s3rver: RequestListener): RequestListener {
  return (req, res) => {
    const target = plainObjectTarget(req);
    if (!target) return s3rver(req, res);
    void answer(store, target, req, res, s3rver).catch((error: unknown) => internalError(res, error));
  };
}

async function answer(
  store: FastFilesystemStore,
  target: Target,
  req: IncomingMessage,
  res: ServerResponse,
  s3rver: RequestListener,
): Promise<void> {
  const { bucket, key } = target;
  const [found, cors, website] = await Promise.all([
    store.getBucket(bucket),
    store.getSubresource(bucket, undefined, 'cors'),
    store.getSubresource(bucket, undefined, 'website'),
  ]);
  if (!found || cors || website) return s3rver(req, res);
  if (req.method === 'PUT') {
    const { md5 } = await store.putObject(new S3Object(bucket, key, req, req.headers));
    res.writeHead(200, {
      ETag: `"${md5}"`,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': 0,
    });
    res.end();
    return;
  }
  const object = await store.getObject(bucket, key);
  const content = object?.content;
  if (!object || !content) return s3rver(req, res); // NoSuchKey, as s3rver words it
  res.statusCode = 200;
  res.setHeader('Accept-Ranges', 'bytes');
  for (const [name, value] of Object.entries(object.metadata)) res.setHeader(capitalizeHeader(name), value);
  res.setHeader('Content-Length', Number(object.metadata['content-length']));
  if (req.method === 'HEAD') {
    content.destroy();
    res.end();
    return;
  }
  await pipeline(content, res);
}

function plainObjectTarget(req: IncomingMessage): Target | undefined {
  const { method, headers } = req;
  if (method !== 'PUT' && method !== 'GET' && method !== 'HEAD') return undefined;
  // The SDK names the operation in the query (`x-id=PutObject`); s3rver ignores it. Any other
  // query (a subresource, a presigned URL, response overrides) is s3rver's.
  const url = (req.url ?? '/').replace(SDK_OPERATION_QUERY, '');
  if (url.includes('?') || !LOOPBACK_HOST.test(headers.host ?? '')) return undefined;
  if (S3RVER_HEADERS.some((name) => headers[name] !== undefined)) return undefined;
  const signedPayload = String(headers['x-amz-content-sha256'] ?? '');
  if (signedPayload.startsWith('STREAMING-') || (headers['content-encoding'] ?? '').includes('aws-chunked'))
    return undefined;
  const slash = url.indexOf('/', 1);
  if (slash === -1 || slash === url.length - 1) return undefined;
  try {
    return { bucket: decodeURIComponent(url.slice(1, slash)), key: decodeURIComponent(url.slice(slash + 1)) };
  } catch {
    return undefined;
  }
}

function internalError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : undefined);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>${escapeXml(message)}</Message></Error>`;
  res.writeHead(500, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
