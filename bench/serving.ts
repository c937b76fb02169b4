/**
 * Serving throughput (issue 5). Run: `npx tsx bench/serving.ts [seconds=10] [rounds=3]`
 * (`npx tsx bench/serving.ts journal`: only the durable log's CPU per record, the last line;
 * `npx tsx bench/serving.ts lane [seconds] [rounds]`: only the local server with its predict lane
 * against the same server without it, Hono answering every request, both emulators on a worker).
 *
 * Single-row `POST /v1/endpoints/iris/predict` over local HTTP (the local runtime's Node
 * listener on 127.0.0.1, with its predict lane; bearer token; prediction logging ON into the
 * emulated DynamoDB) from 32 keep-alive connections, 10 s windows: requests/s, p50 and p99.
 * Printed beside (a) a bare node:http server in this same process answering a constant JSON
 * (the ceiling of this machine and load generator) and (b) the Flask + scikit-learn peer from
 * ../shared/reference-scores.md. The model is a gradient-boosting iris classifier trained by
 * the real trainer, like the peer's HistGradientBoosting. Then the latency of one 10,000-row
 * batch (median of 5, after a warm-up).
 *
 * Two load generators (bench/load-generators.ts) drive every server: node:http clients in a
 * worker thread, and wrk, the tool the peer was measured with (when installed). The servers
 * run on the main thread. The log goes to the emulated DynamoDB three ways: with the emulators
 * on the main thread (their writes compete with the answers), on a worker thread (as `cirrus
 * local` runs them) and in a child process (storage elsewhere, as on AWS). Rounds interleave
 * all servers, each server's window between two of the ceiling's, and report medians, each
 * ratio taken against the mean of the two ceiling windows around it (the machine is shared and
 * noisy), after a warm-up round that is printed but not counted (a long-running server is
 * measured warm; see main). Each row says whether it meets issue 5's goal, whether every
 * answer's record was stored, the log's backlog when a window closed and the time to write it.
 * A fourth server is the second plus the durable prediction log `cirrus local up` runs (every
 * record written ahead to a journal file before its answer leaves, local/prediction-journal.ts):
 * its row is printed beside the one without, with the time the journal's writes took on the
 * answering thread per answer.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { getRequestListener } from '@hono/node-server';
import type { CoreDeps } from '../core/deps.js';
import { createApp } from '../lambdas/api/app.js';
import type { ApiContext } from '../lambdas/api/context.js';
import { nodeListener } from '../lambdas/api/predict-lane.js';
import {
  createDeps,
  type EmulatorEndpoints,
  type LocalCredentials,
  startEmulators,
} from '../local/emulators/index.js';
import { startEmulatorsThread } from '../local/emulators/thread.js';
import { FileLogJournal } from '../local/prediction-journal.js';
import '../local/polyfills.js';
import {
  type LoadGenerator,
  type LoadResult,
  nodeLoadGenerator,
  wrkLoadGenerator,
} from './load-generators.js';
import { deployIris } from './iris-endpoint.js';

const MODE = process.argv[2] === 'journal' || process.argv[2] === 'lane' ? process.argv[2] : 'all';
const ARGS = MODE === 'all' ? process.argv.slice(2) : process.argv.slice(3);
const SECONDS = Number(ARGS[0] ?? 10);
const ROUNDS = Number(ARGS[1] ?? 3);
const CONNECTIONS = 32;
const TOKEN = 'bench-token';
const PEER = { rps: 563, p50: 52, p99: 89 };
/** Issue 5's goal: at least this many times the peer's req/s and this share of the ceiling's. */
const GOAL = { peerTimes: 10, ofCeiling: 0.5 };
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
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

const fmt = (rps: number, p50: number, p99: number) =>
  `${rps.toFixed(0).padStart(6)} req/s   p50 ${p50.toFixed(2).padStart(6)} ms   p99 ${p99.toFixed(2).padStart(6)} ms`;

const truncated = (x: number, digits: number) =>
  (Math.floor(x * 10 ** digits) / 10 ** digits).toFixed(digits);

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length % 2
    ? sorted[sorted.length >> 1]
    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

interface Storage {
  readonly deps: CoreDeps;
  /** Processes of its own whose CPU is the server's too. */
  readonly pids?: readonly number[];
  stop(): Promise<void>;
}

/**
 * The emulators in this process: `startEmulators` on the thread that answers, or
 * `startEmulatorsThread` on a worker thread, as `cirrus local` runs them.
 */
function emulatorStorage(start: typeof startEmulators): (dataDir: string) => Promise<Storage> {
  return async (dataDir) => {
    const emulators = await start({ dataDir });
    return { deps: emulators.deps, stop: () => emulators.stop() };
  };
}

/** The emulators in a child process: what the API costs when its storage is elsewhere (as on AWS). */
async function childProcessStorage(dataDir: string): Promise<Storage> {
  const child = fork(fileURLToPath(new URL('./emulators-process.ts', import.meta.url)), [dataDir], {
    execArgv: ['--import', 'tsx'],
  });
  const { endpoints, credentials } = await new Promise<{
    endpoints: EmulatorEndpoints;
    credentials: LocalCredentials;
  }>((resolve, reject) => {
    child.once('message', (m) =>
      resolve(m as { endpoints: EmulatorEndpoints; credentials: LocalCredentials }),
    );
    child.once('exit', (code) => reject(new Error(`emulator process exited with ${code}`)));
  });
  const deps = createDeps({ endpoints, credentials });
  return {
    deps,
    pids: child.pid === undefined ? [] : [child.pid],
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

/** One load window on one server. */
interface Window {
  readonly result: LoadResult;
  /** Records stored for this window (the server may log a few answers wrk did not count). */
  readonly logged?: number;
  /** Records still queued when the window closed, and how long writing them took. */
  readonly backlog?: number;
  readonly flushMs?: number;
  /** CPU time the server spent per answer (us), when the generator runs in another process. */
  readonly cpuPerAnswerUs?: number;
  /** CPU time of the answering (main) thread per answer (us): the server's own, whatever the generator. */
  readonly threadCpuPerAnswerUs?: number;
  /** Time the journal's writes took on the answering thread, per answer (us). */
  readonly journalUsPerAnswer?: number;
}

/** The durable log's journal, timed: what its writes cost the thread that answers. */
class TimedJournal extends FileLogJournal {
  ns = 0n;
  override append(line: string): void {
    const t0 = process.hrtime.bigint();
    super.append(line);
    this.ns += process.hrtime.bigint() - t0;
  }
  override rotate(): number {
    const t0 = process.hrtime.bigint();
    const generation = super.rotate();
    this.ns += process.hrtime.bigint() - t0;
    return generation;
  }
}

/** CPU seconds of a process by pid (Linux /proc; utime + stime at 100 ticks/s), 0 elsewhere. */
function processCpuSeconds(pid: number, statFile = `/proc/${pid}/stat`): number {
  try {
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Runs one window and measures the server's CPU: this process (API, log writer, emulators on
 * this or a worker thread) plus `otherPids` (emulators in a child process). Meaningful only
 * for a generator outside this process; CPU per answer is steadier than req/s on a noisy box.
 */
async function measured(
  generator: LoadGenerator,
  run: () => Promise<LoadResult>,
  otherPids: readonly number[] = [],
): Promise<{ result: LoadResult; cpuPerAnswerUs?: number; threadCpuPerAnswerUs?: number }> {
  const own = process.cpuUsage();
  const others = otherPids.map((pid) => processCpuSeconds(pid));
  const thread = mainThreadCpuSeconds();
  const result = await run();
  if (result.ok === 0) return { result };
  const threadCpuPerAnswerUs = ((mainThreadCpuSeconds() - thread) * 1e6) / result.ok;
  if (!generator.external) return { result, threadCpuPerAnswerUs };
  const { user, system } = process.cpuUsage(own);
  const otherUs = otherPids.reduce((sum, pid, i) => sum + (processCpuSeconds(pid) - others[i]) * 1e6, 0);
  return { result, cpuPerAnswerUs: (user + system + otherUs) / result.ok, threadCpuPerAnswerUs };
}

/** CPU seconds of this process's main thread (its task id is the pid), where the servers answer. */
const mainThreadCpuSeconds = () =>
  processCpuSeconds(process.pid, `/proc/${process.pid}/task/${process.pid}/stat`);

interface Target {
  readonly label: string;
  load(generator: LoadGenerator): Promise<Window>;
  /** Latencies of the 10,000-row batch (ms, sorted), for prediction servers. */
  batch?(): Promise<number[]>;
  stop(): Promise<void>;
}

/** The ceiling: a bare node:http server on this thread answering a constant JSON. */
async function ceilingTarget(): Promise<Target> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const out = '{"predictions":[{"label":"0"}]}';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': out.length });
      res.end(out);
    });
  });
  const url = `${await listen(server)}/`;
  const body = JSON.stringify({ features: { a: 1, b: 2, c: 3, d: 4 } });
  return {
    label: 'ceiling  bare node:http, constant JSON                   ',
    load: (g) => measured(g, () => g.run(url, body, HEADERS)),
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * Cirrus's API app serving the trained model on `storage`, logging every prediction; with the
 * predict lane as the local runtime listens (`nodeListener`), or (`lane: false`) Hono through
 * @hono/node-server for every request.
 */
async function cirrusTarget(
  label: string,
  start: (dir: string) => Promise<Storage>,
  { durable = false, lane = true }: { durable?: boolean; lane?: boolean } = {},
): Promise<Target> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cirrus-bench-serving-'));
  const storage = await start(dataDir);
  const { deps } = storage;
  const { features } = await deployIris(deps);
  const journal = durable ? new TimedJournal(join(dataDir, 'prediction-journal')) : undefined;
  const refuse = () => Promise.reject(new Error('not in this bench'));
  const ctx: ApiContext = {
    deps,
    pipelines: { start: refuse, describe: refuse },
    events: { publish: async () => {} },
  };
  const appOptions = { token: TOKEN, serving: { log: { journal } } };
  const { app, serving, close } = createApp(ctx, appOptions);
  // The local runtime's listener: Hono, with plain predictions through the predict lane.
  const api = createServer(
    lane ? nodeListener({ app, serving }, deps, appOptions) : getRequestListener(app.fetch),
  );
  const url = `${await listen(api)}/v1/endpoints/iris/predict`;
  const body = JSON.stringify({ features });
  // Warm-up: load the ONNX session, resolve the endpoint.
  const warm = await fetch(url, { method: 'POST', headers: HEADERS, body });
  if (warm.status !== 200) throw new Error(`warm-up predict failed: ${warm.status} ${await warm.text()}`);
  await close();
  return {
    label,
    load: async (generator) => {
      const before = await countLogged(deps);
      const journalNs = journal?.ns ?? 0n;
      const { result, cpuPerAnswerUs, threadCpuPerAnswerUs } = await measured(
        generator,
        () => generator.run(url, body, HEADERS),
        storage.pids,
      );
      const journalUsPerAnswer = journal && Number(journal.ns - journalNs) / 1000 / Math.max(result.ok, 1);
      const backlog = serving.log.pending;
      const flushStart = performance.now();
      await close();
      const flushMs = performance.now() - flushStart;
      const logged = (await countLogged(deps)) - before;
      return { result, backlog, flushMs, cpuPerAnswerUs, threadCpuPerAnswerUs, journalUsPerAnswer, logged };
    },
    batch: async () => {
      const batch = JSON.stringify({
        instances: Array.from({ length: 10_000 }, () => Object.values(features)),
      });
      const ms: number[] = [];
      for (let i = 0; i < 6; i++) {
        const t0 = performance.now();
        const res = await fetch(url, { method: 'POST', headers: HEADERS, body: batch });
        const json = (await res.json()) as { predictions?: unknown[] };
        if (res.status !== 200 || json.predictions?.length !== 10_000)
          throw new Error(`batch failed: ${res.status}`);
        if (i > 0) ms.push(performance.now() - t0);
      }
      await close();
      return ms.sort((a, b) => a - b);
    },
    stop: async () => {
      await new Promise((r) => api.close(r));
      await storage.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** All answers stored: exactly (node awaits every request) or within wrk's uncounted in-flight ones. */
function logVerdict(w: Window): string {
  const { ok, uncounted } = w.result;
  if (w.logged === ok) return 'none lost';
  if (w.logged !== undefined && w.logged > ok && w.logged <= ok + uncounted)
    return `none lost; ${w.logged - ok} answered as wrk stopped`;
  return 'MISMATCH';
}

/** A server's window with the ceiling windows run just before and after it (its yardstick). */
interface Bracketed {
  readonly window: Window;
  readonly beside: readonly [Window, Window];
}

const mean2 = (a: number, b: number) => (a + b) / 2;

/** The server's req/s as a share of the ceiling's around it (the machine's speed drifts). */
const shareOfCeiling = (b: Bracketed) =>
  b.window.result.rps / mean2(b.beside[0].result.rps, b.beside[1].result.rps);

/**
 * The median window of each server for one generator, with its ratios to the ceiling windows
 * run just before and after it.
 */
function report(
  generator: LoadGenerator,
  ceiling: { readonly target: Target; readonly windows: readonly Window[] },
  servers: readonly Target[],
  windows: Map<Target, Bracketed[]>,
  cold: Map<Target, Bracketed>,
): void {
  const rounds = windows.get(servers[0])!.length;
  console.log(
    `\nload: ${generator.description}; median of ${rounds} rounds after a warm-up round, each server's window between two of the ceiling's`,
  );
  const cw = ceiling.windows;
  console.log(
    `  ${ceiling.target.label}${fmt(median(cw.map((w) => w.result.rps)), median(cw.map((w) => w.result.p50)), median(cw.map((w) => w.result.p99)))}   (${cw.length} windows)`,
  );
  console.log(
    `  peer     Flask + scikit-learn (../shared/reference-scores)  ${fmt(PEER.rps, PEER.p50, PEER.p99)}`,
  );
  for (const target of servers) {
    const bs = windows.get(target)!;
    const ws = bs.map((b) => b.window);
    const rps = median(ws.map((w) => w.result.rps));
    const ratio = median(bs.map(shareOfCeiling));
    const met = rps >= GOAL.peerTimes * PEER.rps && ratio >= GOAL.ofCeiling;
    // Truncated, not rounded: a ratio of 0.497 must not print as 0.50 beside "goal NOT met".
    console.log(
      `  ${target.label}${fmt(rps, median(ws.map((w) => w.result.p50)), median(ws.map((w) => w.result.p99)))}   = ${truncated(rps / PEER.rps, 1)}x peer, ${truncated(ratio, 2)} of ceiling (${met ? 'goal met' : 'goal NOT met'})`,
    );
    const warm = cold.get(target)!;
    console.log(
      `      rounds: ${ws.map((w) => w.result.rps.toFixed(0)).join(', ')} req/s = ${bs.map((b) => truncated(shareOfCeiling(b), 2)).join(', ')} of ceiling (warm-up round: ${warm.window.result.rps.toFixed(0)}, ${truncated(shareOfCeiling(warm), 2)})`,
    );
    const threadCpu = ws.map((w) => w.threadCpuPerAnswerUs);
    if (threadCpu.every((c) => c !== undefined))
      console.log(
        `      answering thread CPU per answer: ${median(threadCpu as number[]).toFixed(1)} us (rounds: ${(threadCpu as number[]).map((c) => c.toFixed(1)).join(', ')})`,
      );
    const cpu = ws.map((w) => w.cpuPerAnswerUs);
    const beside = bs.map((b) => b.beside.map((w) => w.cpuPerAnswerUs));
    if (cpu.every((c) => c !== undefined) && beside.flat().every((c) => c !== undefined)) {
      const ceilingCpu = beside.map(([x, y]) => mean2(x!, y!));
      const cpuRatio = median(cpu.map((c, i) => ceilingCpu[i] / c!));
      console.log(
        `      server CPU per answer: ${median(cpu as number[]).toFixed(0)} us (ceiling ${median(ceilingCpu).toFixed(0)} us: ${cpuRatio.toFixed(2)} of its efficiency)`,
      );
    }
    for (const w of ws) {
      const r = w.result;
      if (r.errors > 0) console.log(`      non-200 answers: ${r.errors} ${JSON.stringify(r.statuses)}`);
      const verdict = logVerdict(w);
      if (verdict === 'MISMATCH')
        console.log(`      log MISMATCH: ${w.logged} records stored for ${r.ok} answers`);
    }
    const journalUs = ws.map((w) => w.journalUsPerAnswer);
    if (journalUs.every((us) => us !== undefined))
      console.log(
        `      durable log: journal writes took ${median(journalUs as number[]).toFixed(2)} us per answer on the answering thread (rounds: ${(journalUs as number[]).map((us) => us.toFixed(2)).join(', ')})`,
      );
    const stored = ws.reduce((n, w) => n + (w.logged ?? 0), 0);
    const answered = ws.reduce((n, w) => n + w.result.ok, 0);
    const lost = ws.some((w) => logVerdict(w) === 'MISMATCH');
    console.log(
      `      log: ${stored} records stored for ${answered} answers (${lost ? 'MISMATCH' : 'none lost'}); at most ${Math.max(...ws.map((w) => w.backlog ?? 0))} still queued when a window closed, written within ${Math.max(...ws.map((w) => w.flushMs ?? 0)).toFixed(0)} ms`,
    );
  }
}

/**
 * The durable log's journal alone, on this thread with nothing else running: CPU per record
 * (process.cpuUsage, so the box's contention is not counted as the journal's), appending the
 * line of a logged single-row answer and closing a generation every 1,024 records, as a busy
 * writer does; beside it, the same loop without the journal's writes (encoding the line only).
 */
async function journalCost(records = 50_000): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cirrus-bench-journal-'));
  const journal = new FileLogJournal(join(dir, 'journal'));
  const record = {
    requestId: 'abcdefabcdef-1.0',
    endpoint: 'iris',
    model: 'iris',
    version: 1,
    variant: 'champion',
    shadow: false,
    inputs: [
      {
        'sepal length (cm)': 5.1,
        'sepal width (cm)': 3.5,
        'petal length (cm)': 1.4,
        'petal width (cm)': 0.2,
      },
    ],
    outputs: [{ label: '0', probabilities: { '0': 0.97, '1': 0.02, '2': 0.01 } }],
    rowCount: 1,
    latencyMs: 0.12,
    at: new Date().toISOString(),
  };
  const run = (write: boolean) => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < records; i++) {
      const line = JSON.stringify({ ...record, requestId: `abcdefabcdef-1.${i}` });
      if (!write) continue;
      journal.append(line);
      if (i % 1024 === 1023) journal.release(journal.rotate());
    }
    const { user, system } = process.cpuUsage(t0);
    return (user + system) / records;
  };
  run(true); // warm-up
  const without = run(false);
  const withJournal = run(true);
  journal.close();
  await rm(dir, { recursive: true, force: true });
  console.log(
    `\ndurable log alone (${records} records, this thread, CPU): ${withJournal.toFixed(2)} us per record with the journal's write, ${without.toFixed(2)} us encoding only: the journal costs ${(withJournal - without).toFixed(2)} us of CPU per answer`,
  );
}

/** The load generators this machine has, after printing the run's settings. */
function loadGenerators(): LoadGenerator[] {
  const generators = [nodeLoadGenerator(SECONDS, CONNECTIONS), wrkLoadGenerator(SECONDS, CONNECTIONS)].filter(
    (g): g is LoadGenerator => g !== undefined,
  );
  console.log(
    `Serving benchmark: single-row predictions, ${CONNECTIONS} keep-alive connections, ${SECONDS} s per window, ${ROUNDS} rounds`,
  );
  console.log(
    `(machine load average at start: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores)`,
  );
  if (generators.length === 1)
    console.log("(wrk is not installed: `apt-get install wrk` adds the peer's load generator)");
  return generators;
}

async function main(): Promise<void> {
  const generators = loadGenerators();
  const ceiling = await ceilingTarget();
  const servers = [
    await cirrusTarget(
      'cirrus   logging on, emulators on the main thread        ',
      emulatorStorage(startEmulators),
    ),
    await cirrusTarget(
      'cirrus   logging on, emulators on a worker (cirrus local)',
      emulatorStorage(startEmulatorsThread),
    ),
    await cirrusTarget(
      'cirrus   durable log (journal), emulators on a worker    ',
      emulatorStorage(startEmulatorsThread),
      { durable: true },
    ),
    await cirrusTarget('cirrus   logging on, emulators in a child process        ', childProcessStorage),
  ];
  await rounds(generators, ceiling, servers);
  console.log('\n10,000-row batch, one request (instances as lists), median of 5:');
  for (const t of servers) {
    const ms = await t.batch!();
    console.log(`  ${t.label} ${ms[2].toFixed(0)} ms (min ${ms[0].toFixed(0)}, max ${ms[4].toFixed(0)})`);
  }
  for (const t of [ceiling, ...servers]) await t.stop();
  await journalCost();
  console.log(`\ngoals (issue 5): >= ${GOAL.peerTimes}x the peer and >= ${GOAL.ofCeiling} of the ceiling`);
}

/**
 * The predict lane's worth: the local server as `cirrus local` runs it (emulators on a worker)
 * with the lane, and without it (Hono answering every request), interleaved in the same rounds.
 */
async function laneMain(): Promise<void> {
  const generators = loadGenerators();
  const ceiling = await ceilingTarget();
  const on = await cirrusTarget(
    'cirrus   predict lane ON  (nodeListener)                 ',
    emulatorStorage(startEmulatorsThread),
  );
  const off = await cirrusTarget(
    'cirrus   predict lane OFF (Hono for every request)       ',
    emulatorStorage(startEmulatorsThread),
    { lane: false },
  );
  const windows = await rounds(generators, ceiling, [on, off]);
  for (const g of generators) {
    const of = (t: Target) => windows.get(g)!.get(t)!;
    const rps = (t: Target) => median(of(t).map((b) => b.window.result.rps));
    const share = (t: Target) => median(of(t).map(shareOfCeiling));
    const cpu = (t: Target) => median(of(t).map((b) => b.window.threadCpuPerAnswerUs ?? NaN));
    console.log(
      `\nlane ON / OFF (${g.name}): req/s ${(rps(on) / rps(off)).toFixed(2)}x (${truncated(share(on), 2)} vs ${truncated(share(off), 2)} of ceiling); answering thread CPU per answer ${cpu(on).toFixed(1)} vs ${cpu(off).toFixed(1)} us = ${(cpu(off) / cpu(on)).toFixed(2)}x less with the lane`,
    );
  }
  for (const t of [ceiling, on, off]) await t.stop();
}

/**
 * Runs every server's windows, each between two of the ceiling's, a warm-up round and then
 * ROUNDS rounds, and reports them; returns each generator's counted windows per server.
 */
async function rounds(
  generators: readonly LoadGenerator[],
  ceiling: Target,
  servers: readonly Target[],
): Promise<Map<LoadGenerator, Map<Target, Bracketed[]>>> {
  // Every server's window runs between two of the ceiling's and is compared with their mean:
  // the machine's speed drifts (by a third between runs here), and a ceiling measured 30 s
  // earlier made a server look better or worse than it was.
  const windows = new Map(generators.map((g) => [g, new Map(servers.map((t) => [t, [] as Bracketed[]]))]));
  const ceilings = new Map(generators.map((g) => [g, [] as Window[]]));
  const cold = new Map(generators.map((g) => [g, new Map<Target, Bracketed>()]));
  // Round 0 warms up and is reported apart: V8 optimizes a function only after it has run
  // often, and the log's write path runs a few times a second (one BatchWriteItem per ~1,000
  // answers), so a server's first windows run it unoptimized while V8's helper threads compile
  // (~7 us of CPU per answer each, against ~2 us once warm): a cost a long-running server pays once.
  for (let round = 0; round <= ROUNDS; round++) {
    for (const g of generators) {
      let before = await ceiling.load(g);
      if (round > 0) ceilings.get(g)!.push(before);
      for (const t of servers) {
        const window = await t.load(g);
        const after = await ceiling.load(g);
        const bracketed: Bracketed = { window, beside: [before, after] };
        if (round === 0) cold.get(g)!.set(t, bracketed);
        else {
          windows.get(g)!.get(t)!.push(bracketed);
          ceilings.get(g)!.push(after);
        }
        before = after;
      }
    }
    process.stderr.write(round === 0 ? 'warm-up round done\n' : `round ${round}/${ROUNDS} done\n`);
  }
  for (const g of generators)
    report(g, { target: ceiling, windows: ceilings.get(g)! }, servers, windows.get(g)!, cold.get(g)!);
  return windows;
}

// `npx tsx bench/serving.ts journal`: the durable log's CPU figure alone (seconds, not minutes).
if (MODE === 'journal') await journalCost();
else if (MODE === 'lane') await laneMain();
else await main();
