import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CirrusClient } from '../cli/client.js';
import { withConsole } from './serve.js';

/** Paths relayed to the deployed API; everything else is the console or a 404. */
const RELAYED = /^\/(v1\/|health$|openapi\.json$)/;
const MAX_BODY = 6 * 1024 * 1024;

export interface ConsoleProxy {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * `cirrus console`: the console on 127.0.0.1, its API calls relayed to `client`'s Cirrus and
 * signed there (SigV4 with the user's AWS credentials for a deployed stack, as `kubectl proxy`
 * does). A relayed call must carry `x-cirrus-console` and name this server in Host, so another
 * web page (no CORS here) or a rebinding DNS name cannot use the user's credentials.
 */
export async function startConsoleProxy(options: {
  client: CirrusClient;
  port?: number;
  host?: string;
}): Promise<ConsoleProxy> {
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  const relay = async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (!RELAYED.test(path.split('?')[0])) return answer(res, 404, 'NotFound', `no console route ${path}`);
    if (req.headers.host !== origin || req.headers['x-cirrus-console'] !== '1')
      return answer(res, 403, 'Forbidden', 'only the console page served here may call the API through it');
    const body = await readBody(req);
    if (body === null) return answer(res, 413, 'PayloadTooLarge', `body: larger than ${MAX_BODY} bytes`);
    const method = req.method ?? 'GET';
    const out = await options.client.forward(
      method,
      path,
      method === 'GET' || method === 'HEAD' ? undefined : body,
    );
    res.writeHead(out.status, { 'content-type': out.contentType || 'application/json' }).end(out.body);
  };
  const server = createServer(
    withConsole(
      (req, res) =>
        void relay(req, res).catch((error: Error) => answer(res, 502, 'BadGateway', error.message)),
      { proxied: true },
    ),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8788, host, resolve);
  });
  origin = `${host}:${(server.address() as AddressInfo).port}`;
  return {
    url: `http://${origin}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function answer(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.end();
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ error: { code, message } }));
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
