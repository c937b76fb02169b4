/**
 * Serving throughput (issue 5). Run: `npx tsx bench/serving.ts [seconds=10]`.
 *
 * Single-row `POST /v1/endpoints/iris/predict` over local HTTP (@hono/node-server on
 * 127.0.0.1, bearer token, prediction logging ON into the emulated DynamoDB, as the local
 * runtime serves) from 32 keep-alive connections for 10 s: requests/s, p50 and p99. Printed
 * beside (a) a bare node:http server in this same process answering a constant JSON (the
 * ceiling of this machine and load generator) and (b) the Flask + scikit-learn peer from
 * ../shared/reference-scores.md. The model is a gradient-boosting iris classifier trained by
 * the real trainer, like the peer's HistGradientBoosting. Then the latency of one
 * 10,000-row batch (median of 5, after a warm-up).
 *
 * The load generator runs in a worker thread (its own core), the servers on the main thread.
 * The log goes to the emulated DynamoDB twice over: with the emulators on the main thread
 * (as `cirrus local` runs them, so their writes compete with the answers) and in a child
 * process (storage elsewhere, as on AWS). Each row reports how many records were stored (all
 * of them, or MISMATCH), the log's backlog when the window closed and the time to write it.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { serve } from '@hono/node-server';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ModelContractSchema } from '../contracts/model-contract.js';
import type { CoreDeps } from '../core/deps.js';
import { setAlias } from '../core/registry/aliases.js';
import { registerModelVersion } from '../core/registry/versions.js';
import { ensureEndpoint } from '../core/serving/endpoints.js';
import { createApp } from '../lambdas/api/app.js';
import type { ApiContext } from '../lambdas/api/context.js';
import { createServingState } from '../lambdas/api/serving.js';
import { createDeps, type EmulatorEndpoints, startEmulators } from '../local/emulators/index.js';
import '../local/polyfills.js';
import { trainBuiltin } from '../training/quickstart.js';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = 32;
const TOKEN = 'bench-token';
const PEER = { rps: 563, p50: 52, p99: 89 };
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/** The load generator (plain JS: a worker needs no TypeScript loader). */
const LOADGEN = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, body, headers, seconds, connections } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(url);
const latencies = [];
let errors = 0;
const statuses = {};
const end = performance.now() + seconds * 1000;
function one() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
        if (res.statusCode === 200) latencies.push(performance.now() - t0); else errors++;
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
}
async function loop() { while (performance.now() < end) await one(); }
const started = performance.now();
Promise.all(Array.from({ length: connections }, loop)).then(() => {
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  parentPort.postMessage({ latencies, errors, statuses, elapsed });
});
`;

interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly errors: number;
  readonly statuses: Record<string, number>;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function load(url: string, body: string, headers: Record<string, string>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOADGEN, {
      eval: true,
      workerData: { url, body, headers, seconds: SECONDS, connections: CONNECTIONS },
    });
    worker.once('error', reject);
    worker.once(
      'message',
      (m: { latencies: number[]; errors: number; statuses: Record<string, number>; elapsed: number }) => {
        const sorted = Float64Array.from(m.latencies).sort();
        resolve({
          rps: m.latencies.length / m.elapsed,
          p50: quantile(Array.from(sorted), 0.5),
          p99: quantile(Array.from(sorted), 0.99),
          ok: m.latencies.length,
          errors: m.errors,
          statuses: m.statuses,
        });
        void worker.terminate();
      },
    );
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

/** Trains gradient boosting on iris with the real trainer and serves it as the endpoint `iris`. */
async function deployIris(deps: CoreDeps): Promise<Record<string, number>> {
  const { root } = trainBuiltin('iris', 'gradient_boosting', { keep: true });
  const bytes = readFileSync(join(root, 'model', 'model.onnx'));
  const contract = ModelContractSchema.parse(
    JSON.parse(readFileSync(join(root, 'model', 'contract.json'), 'utf8')),
  );
  rmSync(root, { recursive: true, force: true });
  const sha = createHash('sha256').update(bytes).digest('hex');
  const key = `models/iris/versions/1/model.onnx`;
  await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: bytes }));
  await registerModelVersion(deps, {
    model: 'iris',
    runId: 'bench',
    algorithm: contract.algorithm,
    contract,
    score: 1,
    onnxUri: `s3://${deps.bucket}/${key}`,
    onnxSha256: sha,
  });
  await setAlias(deps, {
    model: 'iris',
    alias: 'champion',
    version: 1,
    reason: 'bench',
    policy: 'manual',
    by: 'bench',
  });
  await ensureEndpoint(deps, { model: 'iris' });
  const [header, first] = readFileSync(new URL('../datasets/iris.csv', import.meta.url), 'utf8').split('\n');
  const names = header.split(',').slice(0, -1);
  const values = first.split(',').map(Number);
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

async function countLogged(deps: CoreDeps): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    // Records are stored in segment parts (core/serving/log-layout.ts), `count` records each.
    const page = await deps.ddb.send(
      new ScanCommand({
        TableName: deps.tables.predictions,
        ProjectionExpression: '#c',
        ExpressionAttributeNames: { '#c': 'count' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) count += Number(item.c ?? item.count ?? 0);
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

const fmt = (r: LoadResult) =>
  `${r.rps.toFixed(0).padStart(6)} req/s   p50 ${r.p50.toFixed(2).padStart(6)} ms   p99 ${r.p99.toFixed(2).padStart(6)} ms`;

interface Storage {
  readonly deps: CoreDeps;
  stop(): Promise<void>;
}

/** The emulators on this thread, as `cirrus local` runs them. */
async function inProcessStorage(dataDir: string): Promise<Storage> {
  const emulators = await startEmulators({ dataDir });
  return { deps: emulators.deps, stop: () => emulators.stop() };
}

/** The emulators in a child process: what the API costs when its storage is elsewhere (as on AWS). */
async function childProcessStorage(dataDir: string): Promise<Storage> {
  const child = fork(fileURLToPath(new URL('./emulators-process.ts', import.meta.url)), [dataDir], {
    execArgv: ['--import', 'tsx'],
  });
  const endpoints = await new Promise<EmulatorEndpoints>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { endpoints: EmulatorEndpoints }).endpoints));
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
  });
  const deps = createDeps({ endpoints });
  return {
    deps,
    stop: async () => {
      deps.s3.destroy();
      deps.ddb.destroy();
      child.removeAllListeners('exit');
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await exited;
    },
  };
}

interface Scenario {
  readonly result: LoadResult;
  readonly backlog: number;
  readonly flushMs: number;
  readonly logged: number;
  readonly batchMs: readonly number[];
}

/** Serves the trained model over HTTP on `storage` and loads it; then the 10,000-row batch. */
async function serveAndLoad(storage: Storage): Promise<Scenario> {
  const { deps } = storage;
  const features = await deployIris(deps);
  const serving = createServingState(deps);
  const refuse = () => Promise.reject(new Error('not in this bench'));
  const ctx: ApiContext = {
    deps,
    serving,
    pipelines: { start: refuse, describe: refuse },
    events: { publish: async () => {} },
  };
  const app = createApp(ctx, { token: TOKEN });
  const api = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((r) => (api.listening ? r() : api.once('listening', () => r())));
  const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}/v1/endpoints/iris/predict`;
  const body = JSON.stringify({ features });
  // Warm-up: load the ONNX session, resolve the endpoint.
  const warm = await fetch(url, { method: 'POST', headers: HEADERS, body });
  if (warm.status !== 200) throw new Error(`warm-up predict failed: ${warm.status} ${await warm.text()}`);
  await ctx.close?.();

  const result = await load(url, body, HEADERS);
  const backlog = serving.log.pending;
  const flushStart = performance.now();
  await ctx.close?.();
  const flushMs = performance.now() - flushStart;
  const logged = (await countLogged(deps)) - 1;

  const batch = JSON.stringify({ instances: Array.from({ length: 10_000 }, () => Object.values(features)) });
  const batchMs: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { method: 'POST', headers: HEADERS, body: batch });
    const json = (await res.json()) as { predictions?: unknown[] };
    if (res.status !== 200 || json.predictions?.length !== 10_000)
      throw new Error(`batch failed: ${res.status}`);
    if (i > 0) batchMs.push(performance.now() - t0);
  }
  await ctx.close?.();
  await new Promise((r) => api.close(r));
  return { result, backlog, flushMs, logged, batchMs: batchMs.sort((a, b) => a - b) };
}

async function ceilingRun(): Promise<LoadResult> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const out = '{"predictions":[{"label":"0"}]}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': out.length });
      res.end(out);
    });
  });
  const url = await listen(server);
  const result = await load(`${url}/`, JSON.stringify({ features: { a: 1, b: 2, c: 3, d: 4 } }), HEADERS);
  await new Promise((r) => server.close(r));
  return result;
}

async function withStorage(start: (dir: string) => Promise<Storage>): Promise<Scenario> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cirrus-bench-serving-'));
  const storage = await start(dataDir);
  try {
    return await serveAndLoad(storage);
  } finally {
    await storage.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report(label: string, s: Scenario, ceiling: LoadResult): void {
  const r = s.result;
  console.log(
    `${label}${fmt(r)}   = ${(r.rps / PEER.rps).toFixed(1)}x peer, ${(r.rps / ceiling.rps).toFixed(2)} of ceiling`,
  );
  if (r.errors > 0) console.log(`    non-200 answers: ${r.errors} ${JSON.stringify(r.statuses)}`);
  console.log(
    `    log: ${s.logged} records stored for ${r.ok} answers (${s.logged === r.ok ? 'none lost' : 'MISMATCH'}); ${s.backlog} were still queued at the end of the window, written ${(s.flushMs / 1000).toFixed(1)} s later`,
  );
}

async function main(): Promise<void> {
  console.log(
    `Serving benchmark: single-row predictions, ${CONNECTIONS} keep-alive connections, ${SECONDS} s per row`,
  );
  console.log(
    `(machine load average at start: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores)\n`,
  );
  const ceiling = await ceilingRun();
  console.log(`ceiling  bare node:http, constant JSON                     ${fmt(ceiling)}`);
  console.log(
    `peer     Flask + scikit-learn (../shared/reference-scores)  ${String(PEER.rps).padStart(6)} req/s   p50 ${String(PEER.p50).padStart(6)} ms   p99 ${String(PEER.p99).padStart(6)} ms`,
  );
  const local = await withStorage(inProcessStorage);
  report('cirrus   logging on, emulators in-process (cirrus local)   ', local, ceiling);
  const split = await withStorage(childProcessStorage);
  report('cirrus   logging on, emulators in a child process        ', split, ceiling);
  console.log('\n10,000-row batch, one request (instances as lists), median of 5:');
  for (const [label, s] of [
    ['emulators in-process', local],
    ['emulators in a child process', split],
  ] as const) {
    console.log(
      `  ${label.padEnd(30)} ${s.batchMs[2].toFixed(0)} ms (min ${s.batchMs[0].toFixed(0)}, max ${s.batchMs[4].toFixed(0)})`,
    );
  }
  console.log('\ngoals (issue 5): >= 10x the peer and >= 0.5 of the ceiling');
}

await main();
