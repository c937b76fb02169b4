import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';

/** Where /docs serves Swagger UI's files from (the HTML asks for `<this>/swagger-ui-dist/<file>`). */
export const DOCS_ASSETS_BASE = '/docs';
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
/** The paths /docs needs, all public like /docs itself. */
export const DOCS_ASSET_PATHS = Object.keys(ASSETS).map((f) => `${DOCS_ASSETS_BASE}/swagger-ui-dist/${f}`);

/** The installed swagger-ui-dist's directory; undefined where it is not installed (a Lambda bundle). */
function assetsDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * `/docs`: Swagger UI over /openapi.json. Its CSS and JS come from the installed
 * swagger-ui-dist package (pinned in package.json), served by this app, so the page works
 * offline; only where the package is absent does the HTML point at the CDN.
 */
export function mountDocs(app: OpenAPIHono): void {
  const dir = assetsDir();
  if (!dir) {
    app.get('/docs', swaggerUI({ url: '/openapi.json' }));
    return;
  }
  app.get('/docs', swaggerUI({ url: '/openapi.json', baseUrl: DOCS_ASSETS_BASE, title: 'Cirrus API' }));
  const cache = new Map<string, Buffer>();
  for (const [file, type] of Object.entries(ASSETS)) {
    app.get(`${DOCS_ASSETS_BASE}/swagger-ui-dist/${file}`, (c) => {
      let body = cache.get(file);
      if (!body) cache.set(file, (body = readFileSync(join(dir, file))));
      return c.body(new Uint8Array(body), 200, {
        'content-type': type,
        'cache-control': 'public, max-age=86400',
      });
    });
  }
}
