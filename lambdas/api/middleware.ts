import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';
import { errorBody } from './errors.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Bearer-token check for the local runtime. Hono's `bearerAuth` hashes both tokens with
 * WebCrypto on every request (async, ~10 % of a single-row predict's CPU); this compares
 * SHA-256 digests synchronously, still in constant time.
 */
export function requireBearer(token: string, isOpen: (path: string) => boolean): MiddlewareHandler {
  const expected = sha256(token);
  return async (c, next) => {
    if (isOpen(c.req.path)) return next();
    const header = c.req.header('authorization');
    if (!header) return c.json(errorBody('Unauthorized', 'missing bearer token (Authorization: Bearer <token>)'), 401);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return c.json(errorBody('Unauthorized', 'malformed Authorization header (expected: Bearer <token>)'), 401);
    if (!timingSafeEqual(sha256(match[1]), expected)) return c.json(errorBody('Unauthorized', 'invalid bearer token'), 401);
    return next();
  };
}

/**
 * Refuses bodies over `maxSize` bytes. A declared Content-Length is checked without touching
 * the body, so @hono/node-server keeps its fast path (reading `raw.body`, as Hono's middleware
 * does, builds a full WHATWG Request per call); chunked bodies are counted as they stream.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const onError: Parameters<typeof streamingBodyLimit>[0]['onError'] = (c) =>
    c.json(errorBody('PayloadTooLarge', `body: larger than ${maxSize} bytes`, 'body'), 413);
  const streaming = streamingBodyLimit({ maxSize, onError });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    const chunked = c.req.header('transfer-encoding');
    if (declared !== undefined && chunked === undefined) {
      // Node's parser stops the body at Content-Length: the declared size is the real one.
      return Number(declared) > maxSize ? onError(c) : next();
    }
    return streaming(c, next);
  };
}
