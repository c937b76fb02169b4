/**
 * The predict function's cold start in instructions: each step of bench/lambda.ts's breakdown
 * (bench/lambda-runner.mjs) run once under `valgrind --tool=callgrind`, whose counts do not move
 * with the machine's load the way wall and CPU times do. Printed for the main thread (where the
 * first answer waits) and for all threads: V8's GC and compiler helpers, libuv's pool and
 * onnxruntime's vary by a few percent from run to run with scheduling, the main thread less.
 * Run: `npx tsx bench/lambda-instructions.ts [modes=bare,ort,import,cold] [keepDir]`; with
 * keepDir, each step's callgrind.out.<mode>-<thread> files stay there for `callgrind_annotate`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareLambdaTask } from './lambda-task.js';

const MODES = (process.argv[2] ?? 'bare,ort,import,cold').split(',');
const RUNNER = fileURLToPath(new URL('./lambda-runner.mjs', import.meta.url));

/** Instructions (Ir) of one fresh runner process under callgrind: main thread, all threads. */
interface Counts {
  readonly main: number;
  readonly all: number;
}

function instructions(
  mode: string,
  task: string,
  env: NodeJS.ProcessEnv,
  args: unknown,
  outDir: string,
): Counts {
  const outFile = join(outDir, `callgrind.out.${mode}`);
  const argv = [
    '--tool=callgrind',
    '--separate-threads=yes',
    `--callgrind-out-file=${outFile}`,
    process.execPath,
  ];
  const flags = mode === 'compile' ? ['--experimental-vm-modules', '--no-warnings'] : [];
  argv.push(...flags, RUNNER, mode, task, JSON.stringify(args), join(outDir, `result-${mode}.json`));
  const run = spawnSync('valgrind', argv, { cwd: task, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${mode} exited ${run.status}:\n${run.stderr.slice(-3000)}`);
  // One file per thread, callgrind.out.<mode>-<thread>; thread 01 is the main thread.
  let main = 0;
  let all = 0;
  for (const name of readdirSync(outDir).filter((f) => f.startsWith(`callgrind.out.${mode}-`))) {
    const totals = /^totals:\s+(\d+)/m.exec(readFileSync(join(outDir, name), 'utf8'));
    if (!totals) throw new Error(`${name}: no totals line`);
    all += Number(totals[1]);
    if (name.endsWith('-01')) main = Number(totals[1]);
  }
  return { main, all };
}

const mi = (n: number) => `${(n / 1e6).toFixed(1).padStart(8)}M`;

async function main(): Promise<void> {
  const fn = await prepareLambdaTask();
  try {
    const outDir = resolve(process.argv[3] ?? join(fn.task, '..', 'callgrind'));
    mkdirSync(outDir, { recursive: true });
    console.log(
      `bundle ${(fn.bundleBytes / 1024).toFixed(0)} KiB, model ${fn.modelBytes} bytes, node ${process.version}`,
    );
    const counts = new Map<string, Counts>();
    for (const mode of MODES)
      counts.set(mode, instructions(mode, fn.task, fn.env, { single: fn.single }, outDir));
    const bare = counts.get('bare') ?? { main: 0, all: 0 };
    console.log('instructions, one fresh process per step: main thread (over bare), all threads (over bare)');
    for (const [mode, ir] of counts) {
      console.log(
        `  ${mode.padEnd(8)} main ${mi(ir.main)} (+${mi(ir.main - bare.main)})   all ${mi(ir.all)} (+${mi(ir.all - bare.all)})`,
      );
    }
    if (process.argv[3]) console.log(`callgrind files in ${outDir}`);
  } finally {
    await fn.close();
  }
}

await main();
