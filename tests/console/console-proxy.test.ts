import { type ChildProcess, spawn } from 'node:child_process';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CirrusClient } from '../../cli/client.js';
import { type ConsoleProxy, startConsoleProxy } from '../../console/proxy.js';
import { launchChromium } from '../../console/tools/chromium.js';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { axeViolations } from './harness.js';

// `cirrus console` serves the console on 127.0.0.1 and relays its API calls, signed. The local
// platform stands in for the deployed API; in front of it, a SigV4-checking server stands in for
// API Gateway's IAM authorization (the one AWS part mocked): it recomputes each signature with
// the same credentials and forwards only calls that match.
const BIN = fileURLToPath(new URL('../../bin/cirrus.js', import.meta.url));
const CREDENTIALS = { accessKeyId: 'AKIDCONSOLETEST', secretAccessKey: 'console-test-secret' };
const REGION = 'eu-west-1';

let dir: string;
let platform: LocalPlatform;
let gateway: Server;
let gatewayUrl: string;
const seen: { method: string; path: string; signed: boolean }[] = [];
let chromium: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cirrus-console-proxy-'));
  platform = await startLocalPlatform({ dataDir: join(dir, 'data'), port: 0, scheduler: false });
  await new CirrusClient({ url: platform.url, token: platform.token }).post('/v1/datasets', {
    builtin: 'iris',
  });
  gateway = createServer((req, res) => void iamGateway(req, res));
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
  chromium = await launchChromium();
}, 180_000);
afterAll(async () => {
  await chromium?.close();
  await new Promise((resolve) => gateway?.close(resolve));
  await platform?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Verifies the SigV4 Authorization header of a request, then relays it to the platform with its token. */
async function iamGateway(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
  const url = new URL(req.url!, gatewayUrl);
  const signed = await signatureMatches(req, url, body);
  seen.push({ method: req.method!, path: url.pathname, signed });
  if (!signed)
    return void res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Forbidden"}');
  const upstream = await fetch(`${platform.url}${url.pathname}${url.search}`, {
    method: req.method,
    headers: {
      authorization: `Bearer ${platform.token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body,
  });
  res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
}

async function signatureMatches(req: IncomingMessage, url: URL, body: string | undefined): Promise<boolean> {
  const auth = req.headers.authorization ?? '';
  const names = /SignedHeaders=([^,]+)/.exec(auth)?.[1].split(';') ?? [];
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  if (!names.length || !amzDate) return false;
  const headers = Object.fromEntries(names.map((n) => [n, String(req.headers[n] ?? '')]));
  const signer = new SignatureV4({
    service: 'execute-api',
    region: REGION,
    credentials: CREDENTIALS,
    sha256: Sha256,
  });
  const at = amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  const expected = await signer.sign(
    {
      method: req.method!,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body,
    },
    { signingDate: new Date(at) },
  );
  return expected.headers.authorization === auth;
}

describe('cirrus console against a deployed API (SigV4)', () => {
  let proxy: ConsoleProxy;
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
    const client = new CirrusClient({ url: gatewayUrl, sigv4: true, region: REGION });
    proxy = await startConsoleProxy({ client, port: 0 });
  });
  afterAll(() => proxy?.stop());

  it('serves the console with no login, and every call it makes arrives signed', async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${proxy.url}/#/datasets/iris`);
    await page.getByRole('heading', { name: 'Dataset iris' }).waitFor();
    expect(await page.locator('section[aria-label="Latest version"]').innerText()).toMatch(/rows\s+150/);
    expect(await page.getByLabel('API token').count()).toBe(0);
    expect(seen.some((s) => s.path === '/v1/datasets/iris' && s.signed)).toBe(true);
    expect(seen.every((s) => s.signed)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('signs a call with a body (POST) so that the gateway accepts it', async () => {
    const res = await fetch(`${proxy.url}/v1/datasets`, {
      method: 'POST',
      headers: { 'x-cirrus-console': '1', 'content-type': 'application/json' },
      body: JSON.stringify({ builtin: 'wine' }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { name: string }).name).toBe('wine');
    expect(seen.at(-1)).toEqual({ method: 'POST', path: '/v1/datasets', signed: true });
  });

  it('the gateway refuses a call signed with other credentials (the check can fail)', async () => {
    const other = new CirrusClient({ url: gatewayUrl, sigv4: true, region: 'us-east-1' });
    const out = await other.forward('GET', '/v1/datasets');
    expect(out.status).toBe(403);
    expect(seen.at(-1)?.signed).toBe(false);
  });

  it('relays only calls from its own page: no console header or a foreign Host gets 403', async () => {
    const before = seen.length;
    expect((await fetch(`${proxy.url}/v1/datasets`)).status).toBe(403);
    const port = new URL(proxy.url).port;
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/v1/datasets',
          headers: { host: `evil.example:${port}`, 'x-cirrus-console': '1' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
    expect(seen.length).toBe(before);
  });
});

describe('the cirrus console command', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
  });

  it('prints the local URL and serves the console for the Cirrus at --url', async () => {
    child = spawn(
      process.execPath,
      [BIN, 'console', '--url', platform.url, '--token', platform.token, '--port', '0'],
      {
        env: { ...process.env, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /open\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (m) resolve(m[1]);
      });
      child!.once('exit', (code) => reject(new Error(`cirrus console exited (${code}):\n${out}`)));
    });
    expect(out).toContain(`Cirrus console for ${platform.url}`);
    const page = await chromium.browser.newPage();
    await page.goto(`${url}/#/datasets`);
    await page.getByRole('heading', { name: 'Datasets' }).waitFor();
    // The heading renders before the list arrives: wait for the rows, then read them.
    await page.locator('td[data-col="name"]').first().waitFor();
    expect(await page.locator('td[data-col="name"]').allInnerTexts()).toEqual(
      expect.arrayContaining(['iris']),
    );
    await page.close();
    const exited = new Promise<number | null>((resolve) => child!.once('close', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
