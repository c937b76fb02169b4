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
  readonly region?: string;
}

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

const isLoopback = (u: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);

function readToken(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, 'token'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** A small JSON client for the Cirrus API, local (bearer token) or deployed (SigV4). */
export class CirrusClient {
  readonly baseUrl: URL;
  private readonly token?: string;
  private readonly signer?: SignatureV4;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = new URL(options.url ?? process.env.CIRRUS_URL ?? 'http://127.0.0.1:8787');
    const dataDir = options.dataDir ?? process.env.CIRRUS_DATA_DIR ?? '.cirrus';
    this.token = options.token ?? process.env.CIRRUS_TOKEN ?? readToken(dataDir);
    const sigv4 = options.sigv4 ?? !isLoopback(this.baseUrl);
    if (sigv4) {
      const region = options.region ?? process.env.AWS_REGION ?? this.baseUrl.hostname.split('.')[2] ?? 'us-east-1';
      this.signer = new SignatureV4({ service: 'execute-api', region, credentials: fromNodeProviderChain(), sha256: Sha256 });
    }
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { host: url.host, accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (this.signer) {
      const query = Object.fromEntries(url.searchParams);
      const signed = await this.signer.sign({ method, protocol: url.protocol, hostname: url.hostname, path: url.pathname, query, headers, body: payload });
      Object.assign(headers, signed.headers);
    } else if (this.token) {
      headers.authorization = `Bearer ${this.token}`;
    }
    delete headers.host;
    const res = await fetch(url, { method, headers, body: payload });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const e = json?.error ?? {};
      throw new ApiError(res.status, e.code ?? String(res.status), e.message ?? text, e.field);
    }
    return json as T;
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
}
