import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type ConsoleBundle, bundleConsole } from './bundle.js';
import { consoleHtml } from './html.js';

const ASSETS: Record<string, { type: string; pick: (b: ConsoleBundle) => Uint8Array }> = {
  '/console/app.js': { type: 'text/javascript; charset=utf-8', pick: (b) => b.js },
  '/console/app.css': { type: 'text/css; charset=utf-8', pick: (b) => b.css },
};

/** True for the paths the console answers: the page and its two assets. */
export function isConsolePath(path: string): boolean {
  return path === '/' || path === '/index.html' || path in ASSETS;
}

/**
 * Wraps an API listener so `/` serves the console and `/console/*` its assets; everything else
 * goes to `api`. The page and assets are public (they hold no data); the API keeps its token.
 * The bundle is built once, on the first request for it. `proxied`: the page needs no token
 * (`cirrus console` signs its calls).
 */
export function withConsole(api: RequestListener, options: { proxied?: boolean } = {}): RequestListener {
  const page = consoleHtml(options);
  let bundle: Promise<ConsoleBundle> | undefined;
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!isConsolePath(path) || (req.method !== 'GET' && req.method !== 'HEAD')) return api(req, res);
    if (path === '/' || path === '/index.html') return send(res, 'text/html; charset=utf-8', page);
    bundle ??= bundleConsole();
    bundle.then(
      (b) => send(res, ASSETS[path].type, ASSETS[path].pick(b)),
      (error: Error) => {
        bundle = undefined;
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`console bundle failed: ${error.message}`);
      },
    );
  };
}

function send(res: ServerResponse, type: string, body: string | Uint8Array): void {
  res.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}
