/**
 * The deployed predict path (issue 23): the predict function as Lambda runs it.
 * Run: `npx tsx bench/lambda.ts [coldRuns=10] [warmInvocations=10000]`.
 *
 * The predict entry is bundled exactly as CDK bundles it (LAMBDA_BUNDLE with PREDICT_BUNDLE: no
 * runtime source map, the environment's credentials only, onnxruntime-node required; the header
 * line names the stand-ins; ENTRY=<file> bundles another entry as the other functions are), the onnxruntime layer is built as the stack builds it, and each
 * measurement is a fresh `node` process started in the task directory with the function's
 * environment (bench/lambda-runner.mjs), answering API Gateway v2 events. The model (gradient boosting on iris, under 1 MB) is in the emulated S3
 * and the prediction log goes to the emulated DynamoDB, both in a child process.
 *
 * Cold start is the process's time to its first answer, median of fresh processes, printed
 * beside a bare `node` start measured in the same rounds (interleaved), and split into its
 * parts: onnxruntime-node's load, the bundle's compilation alone (V8 parsing its source, no
 * evaluation: the part that grows with the bundle's size), the bundle's import, and the first
 * invocation (DynamoDB and S3 reads, session creation, run, log line). Warm latency is p50/p99
 * over invocations of one process, single row and 100-row batch, beside the bare `session.run`
 * of the same model.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTION_DEFAULTS } from '../infra/defaults.js';
import { prepareLambdaTask, variant } from './lambda-task.js';

const COLD_RUNS = Number(process.argv[2] ?? 10);
const WARM_N = Number(process.argv[3] ?? 10_000);
const MEMORY_MB = FUNCTION_DEFAULTS.onnxMemorySize;
/** Lambda's x86_64 price in us-east-1: per GB-second of billed duration, per request. */
const PRICE = { gbSecond: 0.0000166667, request: 0.2 / 1e6 };
const RUNNER = fileURLToPath(new URL('./lambda-runner.mjs', import.meta.url));

/** A timed series, summarized by the runner (ms). */
interface Timings {
  readonly p50: number;
  readonly p99: number;
  readonly mean: number;
  /** Mean of the durations rounded up to the millisecond, as Lambda bills them. */
  readonly billedMean: number;
}

interface RunnerOut {
  readonly mode: string;
  readonly ortLoadedAt?: number;
  readonly compiledAt?: number;
  readonly importedAt?: number;
  readonly firstMs?: number;
  readonly answeredAt?: number;
  readonly exitAt: number;
  readonly ortLoadedCpu?: number;
  readonly compiledCpu?: number;
  readonly importedCpu?: number;
  readonly answeredCpu?: number;
  readonly exitCpu: number;
  readonly createMs?: number;
  readonly single?: Timings;
  readonly batch?: Timings;
  readonly rssMb?: number;
}

function runner(mode: string, task: string, env: NodeJS.ProcessEnv, args: unknown = {}) {
  const resultFile = join(task, '..', `result-${mode}.json`);
  return new Promise<{ out: RunnerOut; wallMs: number }>((resolve, reject) => {
    const t0 = performance.now();
    // vm.SourceTextModule (compile mode) is behind a flag on Node 20-24.
    const flags = mode === 'compile' ? ['--experimental-vm-modules', '--no-warnings'] : [];
    const argv = [...flags, RUNNER, mode, task, JSON.stringify(args), resultFile];
    const child = spawn(process.execPath, argv, { cwd: task, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) reject(new Error(`${mode} exited ${code}:\n${stdout.slice(-2000)}\n${stderr}`));
      else resolve({ out: JSON.parse(readFileSync(resultFile, 'utf8')) as RunnerOut, wallMs });
    });
  });
}

const median = (xs: readonly number[]) => quantile(xs, 0.5);
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const ms = (x: number) => `${x.toFixed(x < 10 ? 3 : 0).padStart(8)} ms`;

/** Cost of a million invocations at MEMORY_MB, billed per started millisecond. */
function costPerMillion(t: Timings | undefined): number {
  const billedSeconds = (t?.billedMean ?? NaN) / 1000;
  return 1e6 * (billedSeconds * (MEMORY_MB / 1024) * PRICE.gbSecond + PRICE.request);
}

/** Per step, what each fresh process reported (wall and CPU ms since it began). */
interface ColdRounds {
  readonly steps: Record<'bare' | 'ort' | 'compiled' | 'imported' | 'cold', RunnerOut[]>;
  readonly spawnToExit: { readonly bare: number[]; readonly cold: number[] };
}

/** COLD_RUNS rounds of fresh processes; rounds interleave the steps so load drifts hit all alike. */
async function measureColdStarts(task: string, env: NodeJS.ProcessEnv, single: unknown): Promise<ColdRounds> {
  const steps: ColdRounds['steps'] = { bare: [], ort: [], compiled: [], imported: [], cold: [] };
  const spawnToExit = { bare: [] as number[], cold: [] as number[] };
  for (let i = 0; i < COLD_RUNS; i++) {
    const bare = await runner('bare', task, env);
    steps.bare.push(bare.out);
    spawnToExit.bare.push(bare.wallMs);
    steps.ort.push((await runner('ort', task, env)).out);
    steps.compiled.push((await runner('compile', task, env)).out);
    steps.imported.push((await runner('import', task, env)).out);
    const cold = await runner('cold', task, env, { single });
    steps.cold.push(cold.out);
    spawnToExit.cold.push(cold.wallMs);
  }
  return { steps, spawnToExit };
}

/** Medians per step, each also over the bare start. */
function printColdStarts({ steps, spawnToExit }: ColdRounds): void {
  const at = (outs: RunnerOut[], wall: keyof RunnerOut, cpuKey: keyof RunnerOut) => ({
    wall: median(outs.map((o) => Number(o[wall]))),
    cpu: median(outs.map((o) => Number(o[cpuKey]))),
  });
  const bareAt = at(steps.bare, 'exitAt', 'exitCpu');
  const row = (label: string, t: { wall: number; cpu: number }) =>
    console.log(
      `  ${label.padEnd(26)} wall ${ms(t.wall)} (+${ms(t.wall - bareAt.wall)})   ` +
        `cpu ${ms(t.cpu)} (+${ms(t.cpu - bareAt.cpu)})`,
    );
  console.log(
    `\ncold start, median of ${COLD_RUNS} fresh processes: ms since the process began (over a bare start)`,
  );
  row('bare node start', bareAt);
  row('onnxruntime-node loaded', at(steps.ort, 'ortLoadedAt', 'ortLoadedCpu'));
  row('bundle compiled, no eval', at(steps.compiled, 'compiledAt', 'compiledCpu'));
  row('bundle imported', at(steps.imported, 'importedAt', 'importedCpu'));
  row('first answer (cold start)', at(steps.cold, 'answeredAt', 'answeredCpu'));
  console.log(
    `  first invocation alone     wall ${ms(median(steps.cold.map((o) => o.firstMs ?? NaN)))}; ` +
      `spawn to exit over bare ${ms(median(spawnToExit.cold) - median(spawnToExit.bare))} ` +
      `(goal: cold start within 300 ms of a bare start)`,
  );
}

/** Warm latency of the function beside the bare session.run, and the cost it implies. */
function printWarm(warm: RunnerOut, bare: RunnerOut): void {
  const line = (label: string, t: Timings | undefined, ref: Timings | undefined) =>
    console.log(
      `  ${label.padEnd(10)} p50 ${ms(t?.p50 ?? NaN)}  p99 ${ms(t?.p99 ?? NaN)}   ` +
        `bare session.run p50 ${ms(ref?.p50 ?? NaN)}  p99 ${ms(ref?.p99 ?? NaN)}   ` +
        `p50 over bare ${ms((t?.p50 ?? NaN) - (ref?.p50 ?? NaN))}`,
    );
  console.log(`\nwarm, ${WARM_N} invocations of one process (goal: p50 within 1 ms of the bare run)`);
  line('single', warm.single, bare.single);
  line('batch100', warm.batch, bare.batch);
  console.log(
    `  RSS ${warm.rssMb?.toFixed(0)} MB (bare session ${bare.rssMb?.toFixed(0)} MB); ` +
      `session creation ${ms(bare.createMs ?? NaN)}`,
  );
  console.log(
    `\ncost per million predictions at ${MEMORY_MB} MB, from the measured warm durations: ` +
      `single $${costPerMillion(warm.single).toFixed(2)}, ` +
      `100-row batch $${costPerMillion(warm.batch).toFixed(2)} per million requests ` +
      `($${(costPerMillion(warm.batch) / 100).toFixed(3)} per million rows)`,
  );
}

async function main(): Promise<void> {
  const fn = await prepareLambdaTask();
  try {
    const { task, env } = fn;
    console.log(
      `bundle ${(fn.bundleBytes / 1024).toFixed(0)} KiB (NODE_OPTIONS ${env.NODE_OPTIONS ?? 'unset'}; ` +
        `stand-ins for ${Object.keys(variant().alias ?? {}).join(', ') || 'none'}), model ${fn.modelBytes} bytes, ` +
        `${MEMORY_MB} MB configured, node ${process.version}`,
    );
    printColdStarts(await measureColdStarts(task, env, fn.single));
    const warm = await runner('warm', task, env, { single: fn.single, batch: fn.batch, n: WARM_N });
    const rows = fn.rows.map(Object.values);
    const bare = await runner('session', task, env, { model: fn.modelPath, rows, n: WARM_N });
    printWarm(warm.out, bare.out);
  } finally {
    await fn.close();
  }
}

await main();
