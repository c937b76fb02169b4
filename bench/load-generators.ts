/**
 * The two HTTP load generators of the serving benchmark: the same keep-alive POST, driven by
 *
 * - `node`: node:http clients in a worker thread (always available; it costs about as much CPU
 *   per request as a bare node:http server, so on a 2-core machine it is what limits the ceiling);
 * - `wrk`: Debian's wrk with 2 threads, the tool and settings the Flask peer in
 *   ../shared/reference-scores.md was measured with (`apt-get install wrk`; skipped when absent).
 */
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers with status 200. */
  readonly ok: number;
  readonly errors: number;
  /** Requests the generator may have sent but not counted when the window closed. */
  readonly uncounted: number;
  readonly statuses: Record<string, number>;
}

export interface LoadGenerator {
  readonly name: string;
  readonly description: string;
  /** Runs in another process: this process's CPU time during a window is the server's alone. */
  readonly external: boolean;
  run(url: string, body: string, headers: Record<string, string>): Promise<LoadResult>;
}

/** The node:http load loop (plain JS: a worker needs no TypeScript loader). */
const NODE_LOADGEN = `
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

function quantile(sorted: Float64Array, q: number): number {
  return sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** node:http clients in a worker thread; every request started is awaited, so none is uncounted. */
export function nodeLoadGenerator(seconds: number, connections: number): LoadGenerator {
  return {
    name: 'node',
    external: false,
    description: `node:http clients in a worker thread, ${connections} keep-alive connections, ${seconds} s`,
    run: (url, body, headers) =>
      new Promise((resolve, reject) => {
        const worker = new Worker(NODE_LOADGEN, {
          eval: true,
          workerData: { url, body, headers, seconds, connections },
        });
        worker.once('error', reject);
        worker.once(
          'message',
          (m: { latencies: number[]; errors: number; statuses: Record<string, number>; elapsed: number }) => {
            const sorted = Float64Array.from(m.latencies).sort();
            resolve({
              rps: m.latencies.length / m.elapsed,
              p50: quantile(sorted, 0.5),
              p99: quantile(sorted, 0.99),
              ok: m.latencies.length,
              errors: m.errors,
              uncounted: 0,
              statuses: m.statuses,
            });
            void worker.terminate();
          },
        );
      }),
  };
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk prints its usage and exits 1 for --version: installed all the same.
    return (error as { status?: number }).status === 1;
  }
}

const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };

function wrkMs(out: string, percentile: string): number {
  const m = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
  return m ? Number(m[1]) * MS_PER_UNIT[m[2]] : Number.NaN;
}

/** Parses wrk's report (run with --latency). */
export function parseWrk(out: string, connections: number): LoadResult {
  const total = /(\d+) requests in/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!total || !rps) throw new Error(`unexpected wrk output:\n${out}`);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((n, x) => n + Number(x), 0) : 0;
  return {
    rps: Number(rps[1]),
    p50: wrkMs(out, '50'),
    p99: wrkMs(out, '99'),
    ok: Number(total[1]) - non2xx,
    errors: non2xx + socketErrors,
    // wrk stops with requests in flight: the server may answer (and log) up to one per connection.
    uncounted: connections,
    statuses: non2xx > 0 ? { 'non-2xx': non2xx } : {},
  };
}

/** wrk, as the peer was measured (2 threads); undefined when wrk is not installed. */
export function wrkLoadGenerator(seconds: number, connections: number): LoadGenerator | undefined {
  if (!hasWrk()) return undefined;
  return {
    name: 'wrk',
    external: true,
    description: `wrk -t2 -c${connections} -d${seconds}s (the peer's tool and settings)`,
    run: (url, body, headers) => {
      const script = join(tmpdir(), `cirrus-bench-wrk-${process.pid}.lua`);
      const lines = [
        'wrk.method = "POST"',
        `wrk.body = ${JSON.stringify(body)}`,
        ...Object.entries(headers).map(
          ([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`,
        ),
      ];
      writeFileSync(script, `${lines.join('\n')}\n`);
      const args = ['-t2', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url];
      return new Promise((resolve, reject) =>
        execFile('wrk', args, (error, stdout) => {
          if (error) reject(error);
          else resolve(parseWrk(stdout, connections));
        }),
      );
    },
  };
}
