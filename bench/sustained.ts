/**
 * Sustained serving (issue 23): does `cirrus local up` hold its rate under minutes of load?
 * Run: `npx tsx bench/sustained.ts [minutes=5] [connections=32]`.
 *
 * Starts `cirrus local up` as a user does (its own process, a fresh data dir, the durable
 * prediction log), trains gradient boosting on iris through the CLI, then drives single-row
 * predictions from node:http clients in a worker thread of this process, one window per minute,
 * back to back. Each minute prints req/s, p50/p99, the server's RSS and its data dir's size (the
 * prediction log's growth in the emulated storage). A bare node:http server measured for 10 s
 * before and after the run is the machine's ceiling: if it moved, so did the machine.
 * Goal: the last minute's rate at least 0.9 of the first minute's.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeLoadGenerator } from './load-generators.js';

const MINUTES = Number(process.argv[2] ?? 5);
const CONNECTIONS = Number(process.argv[3] ?? 32);
const CLI = fileURLToPath(new URL('../bin/cirrus.js', import.meta.url));
const FEATURES = { 'sepal length (cm)': 5.1, 'sepal width (cm)': 3.5, 'petal length (cm)': 1.4, 'petal width (cm)': 0.2 };

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`cirrus local up exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('cirrus local up did not answer /health within 2 minutes');
}

const rssMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
};
const duMb = (dir: string) => Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) / 1024;

async function ceiling(): Promise<number> {
  const text = JSON.stringify({ ok: true });
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': text.length });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const result = await nodeLoadGenerator(10, CONNECTIONS).run(url, '{}', {});
  await new Promise((r) => server.close(r));
  return result.rps;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cirrus-bench-sustained-'));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [CLI, 'local', 'up', '--port', String(port), '--data-dir', dataDir, '--no-scheduler'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForHealth(url, server);
    const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
    const env = { ...process.env, CIRRUS_URL: url, CIRRUS_TOKEN: token };
    const cli = (...args: string[]) => execFileSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
    cli('datasets', 'load', 'iris');
    cli('train', '--experiment', 'iris', '--task', 'classification', '--dataset', 'iris', '--target', 'target', '--algorithm', 'gradient_boosting');
    const predictUrl = `${url}/v1/endpoints/iris/predict`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ features: FEATURES });
    const first = await fetch(predictUrl, { method: 'POST', headers, body });
    if (first.status !== 200) throw new Error(`predict failed: ${first.status} ${await first.text()}`);

    const before = await ceiling();
    console.log(`ceiling before: bare node:http ${before.toFixed(0)} req/s (${CONNECTIONS} connections, 10 s)`);
    console.log(`minute   req/s    p50 ms   p99 ms  errors  server RSS MB  data dir MB`);
    const rates: number[] = [];
    for (let minute = 1; minute <= MINUTES; minute++) {
      const r = await nodeLoadGenerator(60, CONNECTIONS).run(predictUrl, body, headers);
      rates.push(r.rps);
      console.log(
        `${String(minute).padStart(6)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(9)} ${r.p99.toFixed(2).padStart(8)} ` +
          `${String(r.errors).padStart(7)} ${rssMb(server.pid ?? 0).toFixed(0).padStart(14)} ${duMb(dataDir).toFixed(1).padStart(12)}`,
      );
    }
    const after = await ceiling();
    const held = (rates.at(-1) ?? NaN) / rates[0];
    console.log(`ceiling after: ${after.toFixed(0)} req/s (${(after / before).toFixed(2)} of before)`);
    console.log(
      `last minute / first minute: ${held.toFixed(2)} (goal >= 0.9: ${held >= 0.9 ? 'met' : 'NOT met'}); ` +
        `normalized by the ceiling's drift: ${(held / (after / before)).toFixed(2)}`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
