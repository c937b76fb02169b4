/**
 * The trainer alone at a million rows (issue 23, goal 2): the bundled trainer (training/bundle.ts,
 * as the image runs it) on bench/gbm.ts's data set written as train/test CSVs on local disk
 * (the first 75% of the rows / the rest, as Prepare splits them), in the SageMaker layout.
 * Run: `npx tsx bench/trainer-1m.ts [--rows 1000000] [--tsx]` (`--tsx`: also run the trainer
 * through tsx, as `cirrus local up` starts it by default).
 *
 * Prints the trainer's own phases (read, prepare, fit, export, evaluate, write), its wall and CPU
 * time and peak RSS (/usr/bin/time), beside the same-run bare in-process fit of the same rows and
 * the float64 size of the data, and a bare `node -e 0` start.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toHyperparametersFile } from '../contracts/training-job.js';
import { gradientBoosting } from '../training/algorithms/trees/gbm/gradient-boosting.js';
import type { Matrix } from '../training/algorithms/types.js';
import { bundleTrainer } from '../training/bundle.js';
import { BENCH_GBM_JOB, classificationData, writeRows } from './classification-csv.js';

const MiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ROOT = fileURLToPath(new URL('../', import.meta.url));

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}

/** The bare fit: gradient boosting on the same training rows, defaults, in this process. */
function bareFit(X: Matrix, y: Float64Array, rows: number): { wall: number; cpu: number } {
  const data = {
    X: { data: X.data.subarray(0, rows * X.cols), rows, cols: X.cols },
    y: y.subarray(0, rows),
    task: 'classification' as const,
    nClasses: 2,
    seed: 7,
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  gradientBoosting.fit(data, gradientBoosting.params.parse({}));
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

interface Timed {
  stdout: string;
  wall: number;
  cpu: number;
  peak: number;
}

/** Runs a command under /usr/bin/time: wall and CPU seconds, peak RSS in bytes. */
function timed(command: string, args: string[]): Promise<Timed> {
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/time',
      ['-f', 'TIME %e %U %S %M', command, ...args],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
        if (error || !m) return reject(new Error(`${command} failed: ${stderr.slice(-2000)}`));
        resolve({ stdout, wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), peak: Number(m[4]) * 1024 });
      },
    );
  });
}

/** The SageMaker layout of one job: config, train and test channels. */
async function jobRoot(dir: string, X: Matrix, y: Float64Array, cut: number): Promise<string> {
  const root = join(dir, 'ml');
  for (const channel of ['train', 'test'])
    mkdirSync(join(root, 'input', 'data', channel), { recursive: true });
  mkdirSync(join(root, 'input', 'config'), { recursive: true });
  writeFileSync(
    join(root, 'input', 'config', 'hyperparameters.json'),
    JSON.stringify(toHyperparametersFile(BENCH_GBM_JOB, {})),
  );
  const train = await writeRows(join(root, 'input', 'data', 'train', 'data.csv'), X, y, 0, cut);
  const test = await writeRows(join(root, 'input', 'data', 'test', 'data.csv'), X, y, cut, X.rows);
  console.log(`files: train ${MiB(train)}, test ${MiB(test)}`);
  return root;
}

function report(label: string, run: Timed, fit: { wall: number; cpu: number }, data: number): void {
  const line = /phases \(ms wall\/cpu\): (.*?);/.exec(run.stdout)?.[1] ?? run.stdout.trim();
  const phases = Object.fromEntries(
    line.split(', ').map((p) => {
      const [name, times] = p.split(' ');
      const [wall, cpu] = times.split('/').map(Number);
      return [name, { wall, cpu }];
    }),
  );
  const trained = /in (\d+) ms; score ([\d.]+)/.exec(run.stdout);
  const inside = Number(trained?.[1] ?? 0) / 1000;
  console.log(`\n${label}: score ${trained?.[2]}`);
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  console.log(
    `  phases (s wall/CPU): ${Object.entries(phases)
      .map(([k, v]) => `${k} ${seconds(v.wall)}/${seconds(v.cpu)}`)
      .join(', ')}`,
  );
  console.log(`  outside train() (process start, module load, config): ${(run.wall - inside).toFixed(2)} s`);
  console.log(
    `  wall ${run.wall.toFixed(2)} s = ${(run.wall / fit.wall).toFixed(2)}x the bare fit; CPU ${run.cpu.toFixed(2)} s = ${(run.cpu / fit.cpu).toFixed(2)}x`,
  );
  const fitPhase = phases.fit ?? { wall: 0, cpu: 0 };
  console.log(
    `  fit phase ${(fitPhase.wall / 1000 / fit.wall).toFixed(2)}x the bare fit's wall, ${(fitPhase.cpu / 1000 / fit.cpu).toFixed(2)}x its CPU`,
  );
  console.log(`  peak RSS ${MiB(run.peak)} = ${(run.peak / data).toFixed(2)}x the float64 data`);
}

async function main(): Promise<void> {
  const rows = arg('--rows', 1_000_000);
  const dir = await mkdtemp(join(tmpdir(), 'cirrus-trainer-1m-'));
  try {
    const { X, y } = classificationData(rows);
    const cut = Math.floor(rows * 0.75);
    const root = await jobRoot(dir, X, y, cut);
    const data = rows * 21 * 8;
    console.log(
      `data: ${rows} rows x 21 columns = float64 ${MiB(data)} (train rows ${cut}: ${MiB(cut * 21 * 8)})`,
    );
    const bundle = await bundleTrainer(join(dir, 'bundle'));
    const node = await timed(process.execPath, ['-e', '0']);
    console.log(`bare node start: ${node.wall.toFixed(2)} s, peak RSS ${MiB(node.peak)}`);
    const fit = bareFit(X, y, cut);
    console.log(
      `bare fit (same run, in process, ${cut} rows, defaults): ${fit.wall.toFixed(2)} s wall, ${fit.cpu.toFixed(2)} s CPU`,
    );
    report(
      'bundled trainer (node trainer.mjs train)',
      await timed(process.execPath, [bundle, 'train', '--root', root]),
      fit,
      data,
    );
    if (process.argv.includes('--tsx')) {
      const tsx = await timed(process.execPath, [
        '--import',
        'tsx',
        'training/main.ts',
        'train',
        '--root',
        root,
      ]);
      report('trainer through tsx (cirrus local up default)', tsx, fit, data);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
