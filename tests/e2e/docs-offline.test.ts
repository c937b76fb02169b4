import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';

/** Issue 16: /docs works offline, its Swagger UI assets served by the local API itself. */
let dataDir = '';
let platform: LocalPlatform;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cirrus-docs-'));
  platform = await startLocalPlatform({ dataDir, port: 0, scheduler: false });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('/docs offline', () => {
  it('references only this server`s URLs, and each answers 200', async () => {
    const res = await fetch(`${platform.url}/docs`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(2);
    for (const ref of refs) {
      expect(ref, 'a local path').toMatch(/^\/[^/]/);
      const asset = await fetch(`${platform.url}${ref}`);
      expect(asset.status, ref).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(1000);
    }
  });
});
