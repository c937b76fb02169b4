import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Where Debian (and `.ci/run`) installs Chromium; CIRRUS_CHROMIUM overrides it. */
export const CHROMIUM = process.env.CIRRUS_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with a fresh profile and no background network traffic (the
 * console must work offline). `close()` also removes the profile.
 */
export async function launchChromium(
  viewport = { width: 1280, height: 900 },
): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'cirrus-chromium-'));
  // Playwright passes the profile as --user-data-dir itself (it refuses the flag in args).
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
