import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamingBodyLimit } from 'hono/body-limit';
import type { RequestHeaders } from '../../core/serving/router.js';
import { errorBody } from './errors.js';

/**
 * Constant-time token comparison: the time depends only on the length of `given` (which the
 * caller knows), never on how much of it matches or on the expected token's length. Replaces
 * hashing both sides with SHA-256 and `timingSafeEqual`, CPU every predict paid (bench/serving.ts).
 */
export function sameToken(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  for (let i = 0; i < given.length; i++)
    diff |= given.charCodeAt(i) ^ expected.charCodeAt(i % expected.length);
  return diff === 0;
}

/**
 * One request header by lower-case name. Under @hono/node-server it reads Node's parsed
 * headers directly: `c.req.header()` makes the adapter build a WHATWG Headers object from
 * every raw header first, a cost each predict paid several times over.
 */
export function headerOf(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming?.headers) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return c.req.header(name);
}

/** Every request header, lower-case names: Node's parsed headers as they are, else Hono's copy. */
export function headersOf(c: Context): RequestHeaders {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.headers ?? c.req.header();
}

/**
 * Why an Authorization header does not carry `token`, or undefined when it does. The message
 * is the 401's (shared by the middleware and the Node predict lane).
 */
export function bearerProblem(header: string | undefined, token: string): string | undefined {
  if (!header) return 'missing bearer token (Authorization: Bearer <token>)';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return 'malformed Authorization header (expected: Bearer <token>)';
  return sameToken(match[1], token) ? undefined : 'invalid bearer token';
}

/**
 * Bearer-token check for the local runtime. Hono's `bearerAuth` hashes both tokens with
 * WebCrypto on every request (async, a visible share of a single-row predict's CPU in
 * bench/serving.ts); this compares the tokens synchronously, still in constant time (`sameToken`).
 */
export function requireBearer(token: string, isOpen: (path: string) => boolean): MiddlewareHandler {
  return async (c, next) => {
    if (isOpen(c.req.path)) return next();
    const problem = bearerProblem(headerOf(c, 'authorization'), token);
    return problem ? c.json(errorBody('Unauthorized', problem), 401) : next();
  };
}

/** The 413 answer to a body over `maxSize` bytes. */
export const bodyTooLarge = (maxSize: number) =>
  errorBody('PayloadTooLarge', `body: larger than ${maxSize} bytes`, 'body');

/**
 * Refuses bodies over `maxSize` bytes. A declared Content-Length is checked without touching
 * the body, so @hono/node-server keeps its fast path (reading `raw.body`, as Hono's middleware
 * does, builds a full WHATWG Request per call); chunked bodies are counted as they stream.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const onError: Parameters<typeof streamingBodyLimit>[0]['onError'] = (c) =>
    c.json(bodyTooLarge(maxSize), 413);
  const streaming = streamingBodyLimit({ maxSize, onError });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const declared = headerOf(c, 'content-length');
    const chunked = headerOf(c, 'transfer-encoding');
    if (declared !== undefined && chunked === undefined) {
      // Node's parser stops the body at Content-Length: the declared size is the real one.
      return Number(declared) > maxSize ? onError(c) : next();
    }
    return streaming(c, next);
  };
}
