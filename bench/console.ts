/**
 * The web console's first page: its weight (HTML, script, stylesheet; raw and gzipped) and, in
 * Debian's Chromium, the time to first render, to first contentful paint and until the
 * overview's data is on screen, on a platform the demo filled. Reference, same run: loading
 * `/health` as a document (one request, no script), the floor of any page from this server.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { bundleConsole } from '../console/bundle.js';
import { consoleHtml } from '../console/html.js';
import { launchChromium } from '../console/tools/chromium.js';
import { startLocalPlatform } from '../local/runtime.js';

const LOADS = 7;

async function weight(): Promise<void> {
  const bundle = await bundleConsole();
  const parts = { html: new TextEncoder().encode(consoleHtml()), js: bundle.js, css: bundle.css };
  let gz = 0;
  for (const [name, bytes] of Object.entries(parts)) {
    const z = gzipSync(bytes, { level: 9 }).length;
    gz += z;
    console.log(
      `${name.padEnd(5)} ${String(bytes.length).padStart(8)} B   gzipped ${String(z).padStart(7)} B`,
    );
  }
  console.log(`first page gzipped: ${(gz / 1024).toFixed(1)} KB (budget 300 KB)`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timings(url: string, token: string): Promise<void> {
  const chromium = await launchChromium();
  try {
    const page = await chromium.browser.newPage();
    await page.goto(`${url}/#token=${encodeURIComponent(token)}`);
    await page.waitForFunction("!document.querySelector('.loading')");
    const rows: Record<string, number[]> = {
      'first render': [],
      'first contentful paint': [],
      'data on screen': [],
      'reference: /health': [],
    };
    for (let i = 0; i < LOADS; i++) {
      await page.goto('about:blank');
      await page.goto(`${url}/#/`);
      await page.waitForFunction("!document.querySelector('.loading') && document.querySelector('td')");
      const t = await page.evaluate(`(() => ({
        render: performance.getEntriesByName('cirrus:first-render')[0]?.startTime,
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
        data: performance.now(),
      }))()`);
      const { render, fcp, data } = t as { render: number; fcp: number; data: number };
      rows['first render'].push(render);
      rows['first contentful paint'].push(fcp);
      rows['data on screen'].push(data);
      await page.goto('about:blank');
      await page.goto(`${url}/health`);
      rows['reference: /health'].push((await page.evaluate('performance.now()')) as number);
    }
    for (const [name, xs] of Object.entries(rows))
      console.log(
        `${name.padEnd(24)} median ${median(xs).toFixed(0).padStart(5)} ms  (${LOADS} loads, ms since navigation start)`,
      );
  } finally {
    await chromium.close();
  }
}

await weight();
const dir = await mkdtemp(join(tmpdir(), 'cirrus-bench-console-'));
const platform = await startLocalPlatform({ dataDir: dir, port: 0, scheduler: false });
try {
  console.log('filling the platform with `cirrus demo`…');
  const bin = fileURLToPath(new URL('../bin/cirrus.js', import.meta.url));
  const args = [bin, '--url', platform.url, '--token', platform.token, '--json', 'demo'];
  await promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  await timings(platform.url, platform.token);
} finally {
  await platform.stop();
  await rm(dir, { recursive: true, force: true });
}
