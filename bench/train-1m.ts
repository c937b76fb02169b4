/**
 * The trainer at a million rows, end to end, as a user runs it (issue 23, goal 2).
 * Run: `npx tsx bench/train-1m.ts [--rows 1000000]`.
 *
 * Writes bench/gbm.ts's data set as a CSV on disk (bench/classification-csv.ts), fits it in
 * process first (the same-run reference: gradient boosting on the first 75% of the rows, defaults),
 * then starts `cirrus local up` as its own process, runs `cirrus datasets upload` (the presigned
 * path) and `cirrus train … gradient_boosting` through the CLI, and prints the wall time of each
 * pipeline state (from the execution history) with the peak resident memory of the API process
 * (its emulators run on a thread inside it) during that state, its RSS at the state's start and
 * the difference (also for the upload and the submission before Validate, and the idle RSS before
 * the run: a state cannot show a fall below what the process already holds), and the peak of the trainer and
 * CLI processes, beside the data's in-memory size (rows × cols × 8 bytes) and the file's.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gradientBoosting } from '../training/algorithms/trees/gbm/gradient-boosting.js';
import { closedPort } from '../tests/cli/run-cli.js';
import { writeClassificationCsv } from './classification-csv.js';

const BIN = fileURLToPath(new URL('../bin/cirrus.js', import.meta.url));
const MB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

/** `/proc/<pid>/status` fields in bytes, or undefined once the process is gone. */
function procStatus(pid: number): { rss: number; peak: number; name: string } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
    const name = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return { rss: kb('VmRSS'), peak: kb('VmHWM'), name };
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Samples the API process's RSS over time and every descendant's peak, every 200 ms. */
function sampler(apiPid: number) {
  const api: { at: number; rss: number }[] = [];
  const peaks = new Map<number, { peak: number; name: string }>();
  const walk = (pid: number) => {
    const s = procStatus(pid);
    if (!s) return;
    if (pid === apiPid) api.push({ at: Date.now(), rss: s.rss });
    const prev = peaks.get(pid);
    if (!prev || s.peak > prev.peak) peaks.set(pid, { peak: s.peak, name: s.name });
    for (const child of childrenOf(pid)) walk(child);
  };
  const timer = setInterval(() => walk(apiPid), 200);
  return { api, peaks, stop: () => clearInterval(timer) };
}

function bareFit(
  X: { data: Float64Array; rows: number; cols: number },
  y: Float64Array,
): { wall: number; cpu: number } {
  const cut = Math.floor(X.rows * 0.75);
  const train = {
    X: { data: X.data.subarray(0, cut * X.cols), rows: cut, cols: X.cols },
    y: y.subarray(0, cut),
    task: 'classification' as const,
    nClasses: 2,
    seed: 7,
  };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  gradientBoosting.fit(train, gradientBoosting.params.parse({}));
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

/** `node bin/cirrus.js …` with no time limit (a million-row run outlasts the tests' 5 minutes). */
function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }),
    );
  });
}

async function startPlatform(dir: string): Promise<{ child: ChildProcess; env: Record<string, string> }> {
  const port = await closedPort();
  const token = 'bench-token';
  const child = spawn(
    process.execPath,
    [
      BIN,
      'local',
      'up',
      '--port',
      String(port),
      '--data-dir',
      join(dir, 'data'),
      '--token',
      token,
      '--no-scheduler',
    ],
    { stdio: 'ignore' },
  );
  const env = { CIRRUS_URL: `http://127.0.0.1:${port}`, CIRRUS_TOKEN: token };
  for (let i = 0; i < 600; i++) {
    if (
      await fetch(`${env.CIRRUS_URL}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, env };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('cirrus local up did not answer /health within 150 s');
}

/** The failed run's last status reason and failing state, from `cirrus train --json`. */
function failure(stdout: string): string {
  try {
    const run = JSON.parse(stdout).runs?.[0];
    const failed = run?.execution?.history?.filter((e: { type: string }) => /Failed/.test(e.type)) ?? [];
    return `${run?.status}: ${run?.statusHistory?.at(-1)?.reason}; ${JSON.stringify(failed.at(-1) ?? {}).slice(0, 1500)}`;
  } catch {
    return stdout.slice(0, 2000);
  }
}

interface HistoryEvent {
  type: string;
  at: string;
  state?: string;
}

/** Wall time of each Task state, in order, from the execution's StateEntered/StateExited. */
function stateTimes(history: HistoryEvent[]): { state: string; from: number; to: number }[] {
  const open = new Map<string, number>();
  const out: { state: string; from: number; to: number }[] = [];
  for (const e of history) {
    if (e.type === 'StateEntered' && e.state) open.set(e.state, Date.parse(e.at));
    if (e.type === 'StateExited' && e.state && open.has(e.state))
      out.push({ state: e.state, from: open.get(e.state)!, to: Date.parse(e.at) });
  }
  return out.filter((s) => s.to - s.from >= 50);
}

async function main(): Promise<void> {
  const rows = arg('--rows', 1_000_000);
  const dir = await mkdtemp(join(tmpdir(), 'cirrus-train-1m-'));
  const file = join(dir, 'million.csv');
  let t0 = performance.now();
  const data = await writeClassificationCsv(file, rows);
  const inMemory = rows * 21 * 8;
  console.log(
    `data: ${rows} rows x 21 columns; float64 ${MB(inMemory)}; file ${MB(data.bytes)} (written in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const fit = bareFit(data.X, data.y);
  console.log(
    `bare fit (in process, first 75% = ${Math.floor(rows * 0.75)} rows, defaults): ${fit.wall.toFixed(2)} s wall, ${fit.cpu.toFixed(2)} s CPU`,
  );
  const { child, env } = await startPlatform(dir);
  const sampling = sampler(child.pid!);
  const marks: Mark[] = [];
  try {
    t0 = performance.now();
    const uploadFrom = Date.now();
    const up = await cli(['datasets', 'upload', file, '--name', 'million'], env);
    if (up.code !== 0) throw new Error(`upload failed: ${up.stderr}`);
    console.log(`${up.stderr}${up.stdout.split('\n')[0]}`);
    console.log(
      `upload (cirrus datasets upload, presigned PUT + complete): ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    marks.push({ state: 'upload', from: uploadFrom, to: Date.now() });
    t0 = performance.now();
    const submitFrom = Date.now();
    const args = ['train', '--experiment', 'million', '--task', 'classification', '--dataset', 'million'];
    const train = await cli(
      [...args, '--target', 'target', '--algorithm', 'gradient_boosting', '--json'],
      env,
    );
    if (train.code !== 0) throw new Error(`train failed: ${train.stderr}${failure(train.stdout)}`);
    const run = JSON.parse(train.stdout).runs[0];
    console.log(
      `train (cirrus train, whole run): ${((performance.now() - t0) / 1000).toFixed(1)} s, status ${run.status}, accuracy ${run.metrics?.accuracy?.toFixed(4)}`,
    );
    const states = stateTimes(run.execution.history);
    const validate = states.find((s) => s.state === 'Validate')?.from ?? submitFrom;
    marks.push({ state: 'submit', from: submitFrom, to: validate });
    report([...marks, ...states], sampling, inMemory, fit.wall);
    trainJob(join(dir, 'data'), fit);
  } finally {
    sampling.stop();
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A span of the run: the upload, the submission up to Validate, or a pipeline state. */
interface Mark {
  state: string;
  from: number;
  to: number;
}

function report(states: Mark[], sampling: ReturnType<typeof sampler>, inMemory: number, fit: number): void {
  const before = sampling.api[0]?.rss ?? 0;
  console.log(`\nAPI process RSS before the run (platform up, idle): ${MB(before)}`);
  console.log('span             wall s   API peak RSS   x data   at start   peak - start');
  for (const s of states) {
    const within = sampling.api.filter((p) => p.at >= s.from && p.at <= s.to + 200);
    const rss = Math.max(0, ...within.map((p) => p.rss));
    const start = within[0]?.rss ?? rss;
    console.log(
      `${s.state.padEnd(16)} ${((s.to - s.from) / 1000).toFixed(1).padStart(6)}   ${MB(rss).padStart(12)}   ${(rss / inMemory).toFixed(2).padStart(6)}   ${MB(start).padStart(8)}   ${MB(rss - start).padStart(12)}`,
    );
  }
  console.log('\nprocess peaks (VmHWM):');
  for (const [pid, p] of sampling.peaks) {
    const role = /training\/main|trainer/.test(p.name)
      ? 'trainer'
      : /local up/.test(p.name)
        ? 'API + emulators'
        : 'other';
    console.log(
      `  ${role.padEnd(16)} ${MB(p.peak).padStart(9)}  (${(p.peak / inMemory).toFixed(2)}x data)  pid ${pid} ${p.name.slice(0, 90)}`,
    );
  }
  const trainState = states.find((s) => s.state === 'Train');
  if (trainState)
    console.log(
      `\nTrain state / bare fit (same run): ${((trainState.to - trainState.from) / 1000 / fit).toFixed(2)}x (goal <= 1.3x)`,
    );
}

await main();

/**
 * Inside the Train state: the local job's status transitions (description.json) and the
 * trainer's own phases (its log), beside the same-run bare fit.
 */
function trainJob(dataDir: string, fit: { wall: number; cpu: number }): void {
  const jobs = join(dataDir, 'jobs');
  for (const job of readdirSync(jobs)) {
    const description = JSON.parse(readFileSync(join(jobs, job, 'description.json'), 'utf8'));
    const steps = (description.SecondaryStatusTransitions ?? []) as {
      Status: string;
      StartTime: number;
      EndTime?: number;
    }[];
    console.log(`\ntraining job ${job}:`);
    console.log(
      `  ${steps
        .filter((t) => t.EndTime !== undefined)
        .map((t) => `${t.Status} ${((t.EndTime! - t.StartTime) / 1000).toFixed(2)} s`)
        .join(', ')}`,
    );
    const log = readFileSync(join(jobs, job, 'logs', 'trainer.log'), 'utf8');
    const phases = /phases \(ms wall\/cpu\): (.*?);/.exec(log)?.[1] ?? '';
    let cpu = 0;
    let wall = 0;
    for (const p of phases.split(', ')) {
      const [w, c] = (p.split(' ')[1] ?? '0/0').split('/').map(Number);
      wall += w;
      cpu += c;
    }
    const training = steps.find((t) => t.Status === 'Training');
    const inTraining = training?.EndTime ? (training.EndTime - training.StartTime) / 1000 : 0;
    console.log(`  trainer phases (ms wall/cpu): ${phases}`);
    console.log(
      `  train() ${(wall / 1000).toFixed(2)} s wall, ${(cpu / 1000).toFixed(2)} s CPU = ${(cpu / 1000 / fit.cpu).toFixed(2)}x the bare fit's CPU; process start/exit ${(inTraining - wall / 1000).toFixed(2)} s`,
    );
  }
}
