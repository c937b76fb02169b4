/**
 * Batch predictions at scale (issue 21). Run: `npx tsx bench/batch.ts [rows=1000000] [batchSize=1000] [maxConcurrency=4]`.
 *
 * A logistic regression on 20 numeric features, trained by the real trainer (the SageMaker
 * container contract), registered in the emulated registry. ROWS x 20 CSV rows are streamed
 * into the emulated S3 (multipart, never whole in memory), then scored by
 * statemachines/batch-predict.asl.json on the local interpreter (Distributed Map semantics in
 * local/stepfunctions). Printed beside two references measured in this same run, after it:
 * the floor (bench/batch-floor.ts: the same model on the same rows in this one process with
 * onnxruntime-node, batches of the same size, streaming the same CSV from local disk, parsing it
 * and writing the same output lines to a local file; its output is checked byte for byte against
 * the job's) and the ceiling (session.run alone on prebuilt Float32 tensors: no reading, parsing
 * or writing). Peak RSS is taken after the state machine run, before the references. Per-batch
 * times of the ScoreBatch task give the AWS arithmetic.
 */
import { createHash } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import * as ort from 'onnxruntime-node';
import { toHyperparametersFile } from '../contracts/training-job.js';
import { ModelContractSchema } from '../contracts/model-contract.js';
import { startBatchJob } from '../core/batch/start.js';
import { getBatchJob } from '../core/batch/jobs.js';
import type { CoreDeps } from '../core/deps.js';
import { setAlias } from '../core/registry/aliases.js';
import { registerModelVersion } from '../core/registry/versions.js';
import { ensureEndpoint } from '../core/serving/endpoints.js';
import { outputColumns } from '../core/batch/rows.js';
import { parseS3Uri } from '../core/artifacts/uri.js';
import { createBatchHandlers } from '../lambdas/batch/handlers.js';
import { startEmulatorsThread } from '../local/emulators/thread.js';
import '../local/polyfills.js';
import { createLocalStateMachine } from '../local/stepfunctions/index.js';
import { runContainer } from '../training/container.js';
import { sha256Of, streamedFloor } from './batch-floor.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const BATCH = Number(process.argv[3] ?? 1000);
const CONCURRENCY = Number(process.argv[4] ?? 4);
const F = 20;
const NAMES = Array.from({ length: F }, (_, j) => `f${j}`);
/** Lambda memory assumed for the AWS arithmetic (1,769 MB is one full vCPU). */
const LAMBDA_GB = 1769 / 1024;
/** Batches re-scored alone after the run for the per-child time. */
const SOLO_BATCHES = 20;

/** Row i's features: a cheap hash, so the generator and the floor produce the same rows. */
function rowValues(i: number, out: Float32Array | number[]): void {
  for (let j = 0; j < F; j++)
    out[j] = Math.round(((((i + 1) * 2654435761 + j * 40503) >>> 0) % 20000) / 10 - 1000) / 100;
}

function trainModel(): { bytes: Buffer; contract: ReturnType<typeof ModelContractSchema.parse> } {
  const root = mkdtempSync(join(tmpdir(), 'cirrus-bench-batch-'));
  const v = new Array<number>(F);
  const csv = (from: number, n: number) => {
    const lines = [[...NAMES, 'target'].join(',')];
    for (let i = from; i < from + n; i++) {
      rowValues(i, v);
      lines.push([...v, v[0] + v[1] - v[2] > 0 ? 'yes' : 'no'].join(','));
    }
    return `${lines.join('\n')}\n`;
  };
  for (const [channel, from] of [
    ['train', 0],
    ['test', 5000],
  ] as const) {
    mkdirSync(join(root, 'input', 'data', channel), { recursive: true });
    writeFileSync(join(root, 'input', 'data', channel, 'data.csv'), csv(from, 2000));
  }
  mkdirSync(join(root, 'input', 'config'), { recursive: true });
  const job = {
    task: 'classification' as const,
    algorithm: 'logistic_regression',
    target: 'target',
    dataset: { name: 'bench', version: 'bench' },
    seed: 0,
    runId: 'bench',
    experiment: 'bench',
  };
  writeFileSync(
    join(root, 'input', 'config', 'hyperparameters.json'),
    JSON.stringify(toHyperparametersFile(job, {})),
  );
  if (runContainer(root, () => {}) !== 0)
    throw new Error(readFileSync(join(root, 'output', 'failure'), 'utf8'));
  const bytes = readFileSync(join(root, 'model', 'model.onnx'));
  const contract = ModelContractSchema.parse(
    JSON.parse(readFileSync(join(root, 'model', 'contract.json'), 'utf8')),
  );
  rmSync(root, { recursive: true, force: true });
  return { bytes, contract };
}

async function register(
  deps: CoreDeps,
  bytes: Buffer,
  contract: ReturnType<typeof ModelContractSchema.parse>,
) {
  const key = 'models/bench/versions/1/model.onnx';
  await deps.s3.send(new PutObjectCommand({ Bucket: deps.bucket, Key: key, Body: bytes }));
  const sha = createHash('sha256').update(bytes).digest('hex');
  await registerModelVersion(deps, {
    model: 'bench',
    runId: 'bench',
    algorithm: contract.algorithm,
    contract,
    score: 1,
    onnxUri: `s3://${deps.bucket}/${key}`,
    onnxSha256: sha,
  });
  await setAlias(deps, {
    model: 'bench',
    alias: 'champion',
    version: 1,
    reason: 'bench',
    policy: 'manual',
    by: 'bench',
  });
  await ensureEndpoint(deps, { model: 'bench' });
}

/** Streams ROWS rows as CSV into S3 in 8 MB parts, and the same bytes into `localFile`. */
async function uploadRows(deps: CoreDeps, key: string, localFile: string): Promise<number> {
  const local = openSync(localFile, 'w');
  const { UploadId } = await deps.s3.send(
    new CreateMultipartUploadCommand({ Bucket: deps.bucket, Key: key }),
  );
  const parts: { ETag?: string; PartNumber: number }[] = [];
  let chunk: string[] = [`${NAMES.join(',')}\n`];
  let size = 0;
  let total = 0;
  const v = new Array<number>(F);
  const flush = async () => {
    const Body = Buffer.from(chunk.join(''));
    writeSync(local, Body);
    total += Body.length;
    chunk = [];
    size = 0;
    const PartNumber = parts.length + 1;
    const { ETag } = await deps.s3.send(
      new UploadPartCommand({ Bucket: deps.bucket, Key: key, UploadId, PartNumber, Body }),
    );
    parts.push({ ETag, PartNumber });
  };
  for (let i = 0; i < ROWS; i++) {
    rowValues(i, v);
    const line = `${v.join(',')}\n`;
    chunk.push(line);
    size += line.length;
    if (size >= 8 * 1024 * 1024) await flush();
  }
  if (chunk.length > 0) await flush();
  closeSync(local);
  await deps.s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: deps.bucket,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: parts },
    }),
  );
  return total;
}

/** The ceiling: the same model and rows, batches of BATCH, straight Float32 tensors, one session. */
async function ceiling(bytes: Buffer): Promise<{ rps: number; cpuSeconds: number }> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const data = new Float32Array(ROWS * F);
  const v = new Float32Array(F);
  for (let i = 0; i < ROWS; i++) {
    rowValues(i, v);
    data.set(v, i * F);
  }
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < ROWS; i += BATCH) {
    const n = Math.min(BATCH, ROWS - i);
    const out = await session.run({
      numeric: new ort.Tensor('float32', data.subarray(i * F, (i + n) * F), [n, F]),
    });
    for (const t of Object.values(out)) t.dispose();
  }
  const cpu = process.cpuUsage(cpuStart);
  return { rps: ROWS / ((performance.now() - started) / 1000), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Counts the S3 calls made through deps.s3 from now on, with their summed time in flight. */
function timeS3(deps: CoreDeps): () => string {
  const stats = new Map<string, { n: number; ms: number }>();
  const send = deps.s3.send.bind(deps.s3) as (command: object) => Promise<unknown>;
  (deps.s3 as { send: unknown }).send = async (command: object) => {
    const t = performance.now();
    try {
      return await send(command);
    } finally {
      const s = stats.get(command.constructor.name) ?? { n: 0, ms: 0 };
      s.n++;
      s.ms += performance.now() - t;
      stats.set(command.constructor.name, s);
    }
  };
  return () =>
    [...stats]
      .map(([name, s]) => `${name.replace(/Command$/, '')} ${s.n} / ${s.ms.toFixed(0)} ms`)
      .join(', ');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

type Contract = ReturnType<typeof ModelContractSchema.parse>;
type BatchHandlers = ReturnType<typeof createBatchHandlers>;

/** What the timed handlers record during the run; `samples` are rescored alone afterwards. */
interface RunTiming {
  readonly batchMs: number[];
  readonly samples: unknown[];
  assembleStart: number;
  assembleMs: number;
}

/** The batch state machine on the local interpreter, with AssembleBatch and ScoreBatch timed. */
function instrumentedMachine(deps: CoreDeps, dataDir: string) {
  const handlers = createBatchHandlers(deps);
  const timing: RunTiming = { batchMs: [], samples: [], assembleStart: 0, assembleMs: 0 };
  const machine = createLocalStateMachine({
    definition: 'batch',
    dataDir,
    s3: deps.s3,
    trainingJob: async () => ({}),
    handlers: {
      ...handlers,
      AssembleBatch: async (payload) => {
        timing.assembleStart = performance.now();
        const out = await handlers.AssembleBatch(payload);
        timing.assembleMs = performance.now() - timing.assembleStart;
        return out;
      },
      ScoreBatch: async (payload) => {
        if (timing.samples.length < SOLO_BATCHES) timing.samples.push(payload);
        const t = performance.now();
        const out = await handlers.ScoreBatch(payload);
        timing.batchMs.push(performance.now() - t);
        return out;
      },
    },
  });
  return { handlers, machine, timing };
}

/** CPU seconds (user+sys) of this process's main thread so far, from /proc (Linux; NaN elsewhere). */
function mainThreadCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return Number.NaN;
  }
}

/** The measured part: the job started as the API starts it, timed (wall, CPU) until it ends. */
async function runJob(deps: CoreDeps, machine: ReturnType<typeof createLocalStateMachine>) {
  const runner = {
    start: async (_p: string, name: string, input: unknown) => ({
      executionId: (await machine.start(input, { name })).executionId,
    }),
    describe: async () => {
      throw new Error('unused');
    },
  };
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const mainStart = mainThreadCpuSeconds();
  const job = await startBatchJob(deps, runner, {
    endpoint: 'bench',
    request: {
      input: `s3://${deps.bucket}/bench-in/rows.csv`,
      output: `s3://${deps.bucket}/bench-out/`,
      batchSize: BATCH,
      maxConcurrency: CONCURRENCY,
    },
  });
  const record = await machine.getExecution(job.jobId);
  const result = record?.status === 'RUNNING' || !record ? await waitDone(machine, job.jobId) : record;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const mainCpuSeconds = mainThreadCpuSeconds() - mainStart;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const done = await getBatchJob(deps, job.jobId);
  if (done.status !== 'SUCCEEDED' || done.rows?.scored !== ROWS)
    throw new Error(`job ended ${done.status}: ${JSON.stringify(done.rows)} ${done.error ?? result.status}`);
  return { started, seconds, cpuSeconds, mainCpuSeconds, peakRssMb, predictionsUri: done.predictionsUri };
}

type JobRun = Awaited<ReturnType<typeof runJob>>;

/** The ceiling, then the floor, whose output file is compared byte for byte with the job's. */
async function measureReferences(
  deps: CoreDeps,
  model: { bytes: Buffer; contract: Contract },
  dataDir: string,
  localInput: string,
  predictionsUri: string | undefined,
) {
  const { rps: ceilingRps, cpuSeconds: ceilingCpu } = await ceiling(model.bytes);
  const localOutput = join(dataDir, 'local-scored.csv');
  const floor = await streamedFloor({
    model: model.bytes,
    input: localInput,
    output: localOutput,
    batch: BATCH,
    header: `${outputColumns(model.contract).join(',')}\n`,
    classes: model.contract.classes ?? [],
    modelName: 'bench',
    version: 1,
  });
  const jobOutput = await deps.s3.send(
    new GetObjectCommand({ Bucket: deps.bucket, Key: parseS3Uri(predictionsUri ?? '').key }),
  );
  const sameOutput =
    (await sha256Of(jobOutput.Body as AsyncIterable<Uint8Array>)) ===
    (await sha256Of(createReadStream(localOutput)));
  return { ceilingRps, ceilingCpu, floor, sameOutput };
}

type References = Awaited<ReturnType<typeof measureReferences>>;

// A Lambda child scores one batch at a time: time batches alone (warm, one after another),
// not while 16 share this thread, for the per-child figures.
async function soloBatchMs(handlers: BatchHandlers, samples: readonly unknown[]): Promise<number[]> {
  const soloMs: number[] = [];
  for (const payload of samples) {
    const t = performance.now();
    await handlers.ScoreBatch(payload);
    soloMs.push(performance.now() - t);
  }
  return soloMs;
}

/** Everything the printed table is made of, measured in the order main takes. */
interface Measured {
  readonly inputBytes: number;
  readonly run: JobRun;
  readonly timing: RunTiming;
  readonly refs: References;
  readonly soloMs: readonly number[];
  /** Seconds per batch scored alone (median). */
  readonly perBatchS: number;
}

/** The run beside its references; `s3Calls` is read here, so it counts the references' calls too. */
function printRun(m: Measured, s3Calls: () => string): void {
  const { inputBytes, run, timing, refs, soloMs, perBatchS } = m;
  const { batchMs } = timing;
  const rps = ROWS / run.seconds;
  console.log(
    `input: ${ROWS.toLocaleString('en-US')} rows x ${F} features, ${(inputBytes / 1e6).toFixed(0)} MB CSV in S3; batch ${BATCH}, MaxConcurrency ${CONCURRENCY} (local cap 16)`,
  );
  console.log(
    `state machine (local): ${rps.toFixed(0)} rows/s (${run.seconds.toFixed(1)} s: Distributed Map ${((timing.assembleStart - run.started) / 1000).toFixed(1)} s, Assemble ${(timing.assembleMs / 1000).toFixed(1)} s)`,
  );
  console.log(
    `floor (same model, rows, batch size, one process: stream the same CSV from local disk, cells read by the job's own number parser, onnxruntime-node, write the same output lines to a local file): ${refs.floor.rps.toFixed(0)} rows/s; its output ${refs.sameOutput ? 'is byte for byte' : 'DIFFERS from'} the job's predictions file`,
  );
  console.log(
    `ceiling (onnxruntime-node alone on prebuilt Float32 tensors: no reading, parsing or writing): ${refs.ceilingRps.toFixed(0)} rows/s`,
  );
  console.log(
    `ratio: ${(rps / refs.floor.rps).toFixed(3)} of the floor (goal >= 0.5); ${(rps / refs.ceilingRps).toFixed(3)} of the ceiling`,
  );
  const usPerRow = (s: number) => ((s / ROWS) * 1e6).toFixed(2);
  const { cpuSeconds } = run;
  const { floor, ceilingCpu } = refs;
  console.log(
    `CPU (user+sys, every thread of the process, emulators included): state machine ${cpuSeconds.toFixed(1)} s = ${usPerRow(cpuSeconds)} us/row; floor ${floor.cpuSeconds.toFixed(2)} s = ${usPerRow(floor.cpuSeconds)} us/row; ceiling ${ceilingCpu.toFixed(2)} s = ${usPerRow(ceilingCpu)} us/row; CPU ratio to the floor ${(floor.cpuSeconds / cpuSeconds).toFixed(3)}`,
  );
  console.log(
    `CPU of the main thread alone (the emulators run on their own thread; on a free core this bounds the wall): ${run.mainCpuSeconds.toFixed(1)} s = ${usPerRow(run.mainCpuSeconds)} us/row`,
  );
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (2 cores; other processes share them)`,
  );
  console.log(
    `peak RSS after the state machine run: ${run.peakRssMb.toFixed(0)} MB (input ${(inputBytes / 1e6).toFixed(0)} MB)`,
  );
  console.log(
    `ScoreBatch per batch, alone: median ${(perBatchS * 1000).toFixed(1)} ms over ${soloMs.length} batches; during the run (${CONCURRENCY} sharing one thread): median ${median(batchMs).toFixed(1)} ms, p90 ${([...batchMs].sort((a, b) => a - b)[Math.floor(batchMs.length * 0.9)] ?? 0).toFixed(1)} ms over ${batchMs.length} batches`,
  );
  console.log(`S3 calls during the job (count, summed ms in flight): ${s3Calls()}`);
}

/** Scales the per-batch time to AWS, over the batches as run (256 KiB may split BATCH rows). */
function printAwsArithmetic(perBatchS: number, children: number): void {
  const rowsPerChild = ROWS / children;
  const perMillion = 1e6 / rowsPerChild;
  console.log('AWS arithmetic (per-batch time as measured here; Lambda at 1,769 MB = 1 vCPU):');
  console.log(
    `  rows/s per child = ${rowsPerChild.toFixed(0)} rows / ${perBatchS.toFixed(4)} s = ${(rowsPerChild / perBatchS).toFixed(0)}; x MaxConcurrency 1000 = ${((rowsPerChild / perBatchS) * 1000).toFixed(0)} rows/s`,
  );
  console.log(
    `  Lambda GB-s per million rows = ${perMillion.toFixed(0)} invocations x ${perBatchS.toFixed(4)} s x ${LAMBDA_GB.toFixed(3)} GB = ${(perMillion * perBatchS * LAMBDA_GB).toFixed(1)} GB-s`,
  );
  console.log(
    `  state transitions per million rows (Standard parent; Express children billed per request and duration) = ${perMillion.toFixed(0)} child starts + 3 parent states`,
  );
  console.log(
    `  (this run: ${children} ScoreBatch invocations, ${rowsPerChild.toFixed(0)} rows each on average)`,
  );
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'cirrus-bench-batch-data-'));
  const emulators = await startEmulatorsThread({ dataDir });
  const { deps } = emulators;
  try {
    const model = trainModel();
    await register(deps, model.bytes, model.contract);
    const localInput = join(dataDir, 'local-rows.csv');
    const inputBytes = await uploadRows(deps, 'bench-in/rows.csv', localInput);
    const s3Calls = timeS3(deps);
    const { handlers, machine, timing } = instrumentedMachine(deps, dataDir);
    const run = await runJob(deps, machine);
    const refs = await measureReferences(deps, model, dataDir, localInput, run.predictionsUri);
    const soloMs = await soloBatchMs(handlers, timing.samples);
    const perBatchS = median(soloMs) / 1000;
    printRun({ inputBytes, run, timing, refs, soloMs, perBatchS }, s3Calls);
    printAwsArithmetic(perBatchS, timing.batchMs.length);
  } finally {
    await emulators.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function waitDone(machine: ReturnType<typeof createLocalStateMachine>, id: string) {
  for (;;) {
    const r = await machine.getExecution(id);
    if (r && r.status !== 'RUNNING') return r;
    await new Promise((res) => setTimeout(res, 500));
  }
}

await main();
