import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { CirrusClient } from '../../cli/client.js';
import { runDemo } from '../../cli/demo/run-demo.js';
import { launchChromium } from '../../console/tools/chromium.js';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';

const GATED_TRAINER = fileURLToPath(new URL('./fixtures/gated-trainer.mjs', import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface ConsoleHarness {
  readonly platform: LocalPlatform;
  readonly api: CirrusClient;
  readonly dataDir: string;
  /** A fresh browser page (Debian's Chromium through playwright-core). */
  page(): Promise<Page>;
  /** Holds new training jobs before they start (the real trainer waits for the gate). */
  closeGate(): Promise<void>;
  openGate(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One platform per test file, filled by the demo's steps (data, two models, predictions, an
 * A/B test, a drift report and its retraining), and one headless Chromium. The trainer is the
 * real one, behind a file gate.
 */
export async function startConsoleHarness(): Promise<ConsoleHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'cirrus-console-'));
  const gate = join(dir, 'gate');
  await writeFile(gate, 'open');
  const platform = await startLocalPlatform({
    dataDir: join(dir, 'data'),
    port: 0,
    scheduler: false,
    trainerCommand: {
      command: process.execPath,
      args: [GATED_TRAINER, '--root', '{root}'],
      env: { CIRRUS_TEST_GATE: gate },
    },
  });
  const api = new CirrusClient({ url: platform.url, token: platform.token, sigv4: false });
  await runDemo({ client: api, url: platform.url, embedded: false, stop: async () => {} });
  const chromium = await launchChromium();
  return {
    platform,
    api,
    dataDir: platform.dataDir,
    page: () => chromium.browser.newPage(),
    closeGate: () => rm(gate, { force: true }),
    openGate: () => writeFile(gate, 'open'),
    async stop() {
      await chromium.close();
      await platform.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Opens `hash` logged in (the token carried once in the URL, as the CLI prints it). */
export async function openConsole(page: Page, platform: LocalPlatform, hash = '#/'): Promise<void> {
  await page.goto('about:blank'); // a fresh load: a fragment-only change would not reload the page
  await page.goto(`${platform.url}/#token=${encodeURIComponent(platform.token)}`);
  await page.waitForSelector('.page-head h1');
  if (hash !== '#/') await page.goto(`${platform.url}/${hash}`);
  await settled(page);
}

/** Waits until the page shows its title and no "Loading…" placeholder. */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('.page-head h1');
  await page.waitForFunction("!document.querySelector('.loading')"); // runs in the page
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    type AxeViolation = { id: string; impact: string; nodes: { target: string[] }[] };
    const { violations } = await axe.run();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
