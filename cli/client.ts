import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ClientOptions {
  /** API base URL. @default CIRRUS_URL or http://127.0.0.1:8787 */
  readonly url?: string;
  /** Bearer token (local runtime). @default CIRRUS_TOKEN or <dataDir>/token */
  readonly token?: string;
  /** Local data directory, to read the token from. @default CIRRUS_DATA_DIR or .cirrus */
  readonly dataDir?: string;
  /** Sign requests with SigV4 (deployed stack with IAM auth). @default true for non-loopback URLs */
  readonly sigv4?: boolean;
  /** AWS region for SigV4. @default AWS_REGION, else the region in an execute-api host name */
  readonly region?: string;
  /** AWS shared-config profile for SigV4 credentials. @default AWS_PROFILE / the default chain */
  readonly profile?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:8787';

/** An error the API answered with (`{"error": {...}}`), carrying its status and field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Nothing answered at the URL (refused, unknown host, reset): say how to start a Cirrus. */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`no Cirrus at ${url} — start one with \`cirrus local up\` (${reason})`);
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
export const isLoopback = (u: URL) => LOOPBACK.has(u.hostname);

/** The token a local platform keeps in its data directory, if any. */
export function readTokenFile(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, 'token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `abc.execute-api.eu-west-1.amazonaws.com` → `eu-west-1`. */
function regionFromHost(host: string): string | undefined {
  const m = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host);
  return m?.[1];
}

function networkReason(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = cause?.code ?? (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // undici rejects with TypeError('fetch failed') for any network failure (refused, bad port, …).
  if (error instanceof TypeError && error.message === 'fetch failed')
    return typeof cause?.message === 'string' ? cause.message : 'fetch failed';
  return undefined;
}

/**
 * fetch, sent again once when a GET meets ECONNRESET: a kept-alive socket the server closed
 * just as the request went out (its idle timer fires late when its event loop was busy).
 */
async function fetchOnce(url: URL, init: RequestInit & { method: string }): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (init.method !== 'GET' || networkReason(error) !== 'ECONNRESET') throw error;
    return fetch(url, init);
  }
}

/** A small JSON client for the Cirrus API, local (bearer token) or deployed (SigV4). */
export class CirrusClient {
  readonly baseUrl: URL;
  readonly token?: string;
  private readonly signer?: SignatureV4;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = new URL(options.url ?? process.env.CIRRUS_URL ?? DEFAULT_URL);
    const dataDir = options.dataDir ?? process.env.CIRRUS_DATA_DIR ?? '.cirrus';
    const sigv4 = options.sigv4 ?? !isLoopback(this.baseUrl);
    this.token = options.token ?? process.env.CIRRUS_TOKEN ?? (sigv4 ? undefined : readTokenFile(dataDir));
    if (sigv4) {
      const region =
        options.region ?? process.env.AWS_REGION ?? regionFromHost(this.baseUrl.hostname) ?? 'us-east-1';
      const credentials = fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
      this.signer = new SignatureV4({ service: 'execute-api', region, credentials, sha256: Sha256 });
    }
  }

  /** The base URL without a trailing slash, for messages and curl lines. */
  get url(): string {
    return this.baseUrl.toString().replace(/\/$/, '');
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl.toString().replace(/\/?$/, '/'));
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = await this.headers(method, url, payload);
    let res: Response;
    try {
      res = await fetchOnce(url, { method, headers, body: payload });
    } catch (error) {
      const reason = networkReason(error);
      if (reason) throw new ConnectionError(this.url, reason);
      throw error;
    }
    const text = await res.text();
    const json = parseJson(text);
    if (!res.ok) {
      const e =
        (json as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error ?? {};
      throw new ApiError(
        res.status,
        e.code ?? String(res.status),
        e.message ?? (text || res.statusText),
        e.field,
      );
    }
    return json as T;
  }

  private async headers(
    method: string,
    url: URL,
    payload: string | undefined,
  ): Promise<Record<string, string>> {
    const headers: Record<string, string> = { host: url.host, accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (this.signer) {
      const query = Object.fromEntries(url.searchParams);
      const signed = await this.signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        path: url.pathname,
        query,
        headers,
        body: payload,
      });
      Object.assign(headers, signed.headers);
    } else if (this.token) {
      headers.authorization = `Bearer ${this.token}`;
    }
    delete headers.host;
    return headers;
  }

  /**
   * Sends one request as it came (path with query, raw body) with this client's credentials
   * (SigV4 or bearer) and returns the raw answer: what `cirrus console`'s local proxy relays.
   */
  async forward(
    method: string,
    pathAndQuery: string,
    body?: string,
  ): Promise<{ status: number; contentType: string; body: string }> {
    const url = new URL(pathAndQuery.replace(/^\//, ''), this.baseUrl.toString().replace(/\/?$/, '/'));
    const headers = await this.headers(method, url, body);
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body });
    } catch (error) {
      const reason = networkReason(error);
      if (reason) throw new ConnectionError(this.url, reason);
      throw error;
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
  }

  /** True when a Cirrus answers `/health` at the base URL. */
  async healthy(): Promise<boolean> {
    try {
      const res = await fetch(new URL('health', this.baseUrl.toString().replace(/\/?$/, '/')), {
        signal: AbortSignal.timeout(2000),
      });
      return res.ok;
    } catch {
      return false;
    }
  }

  get<T>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body ?? {});
  }
  delete<T>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Encodes one path segment (names may hold dots; ids are opaque). */
export const seg = (s: string | number) => encodeURIComponent(String(s));
