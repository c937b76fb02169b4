// Screenshots of every console page, for the README and docs/console/.
// Usage: npx tsx console/tools/screenshots.ts <url> <token> [outDir]
// (a platform the demo filled: `cirrus demo --data-dir .cirrus --keep`).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './chromium.js';

async function get<T>(url: string, token: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The pages to shoot, with the first record of each kind the platform holds. */
export async function consolePages(url: string, token: string): Promise<[string, string][]> {
  type Named = { name: string };
  const { endpoints } = await get<{ endpoints: Named[] }>(url, token, '/v1/endpoints');
  const { models } = await get<{ models: Named[] }>(url, token, '/v1/models');
  const { experiments } = await get<{ experiments: Named[] }>(url, token, '/v1/experiments');
  const { runs } = await get<{ runs: { id: string; algorithm: string }[] }>(
    url,
    token,
    `/v1/experiments/${experiments[0].name}/runs`,
  );
  const { reports } = await get<{ reports: { reportId: string }[] }>(
    url,
    token,
    `/v1/endpoints/${endpoints[0].name}/drift`,
  );
  const { datasets } = await get<{ datasets: Named[] }>(url, token, '/v1/datasets');
  return [
    ['overview', '#/'],
    ['runs', '#/runs'],
    [
      'compare',
      `#/compare/${runs
        .slice(0, 2)
        .map((r) => r.id)
        .join(',')}`,
    ],
    ['run', `#/runs/${runs[0].id}`],
    ['models', `#/models/${models[0].name}`],
    ['endpoints', `#/endpoints/${endpoints[0].name}`],
    ['ab-tests', '#/ab-tests'],
    ['drift', `#/drift/${endpoints[0].name}/${reports[0].reportId}`],
    ['datasets', `#/datasets/${datasets[0].name}`],
  ];
}

export async function takeScreenshots(url: string, token: string, outDir: string): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const { browser, close } = await launchChromium();
  const files: string[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/#token=${encodeURIComponent(token)}`);
    for (const [name, hash] of await consolePages(url, token)) {
      await page.goto(`${url}/${hash}`);
      await page.waitForSelector('.page-head h1');
      await page.waitForFunction("!document.querySelector('.loading')");
      const file = join(outDir, `console-${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      files.push(file);
    }
  } finally {
    await close();
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, token, outDir = 'docs/console'] = process.argv.slice(2);
  if (!url || !token) throw new Error('usage: screenshots.ts <url> <token> [outDir]');
  for (const file of await takeScreenshots(url.replace(/\/$/, ''), token, outDir)) console.log(file);
}
