/**
 * The prediction log's cost on the answering thread (issue 5). Run:
 * `npx tsx bench/prediction-log.ts [records=80000] [rounds=3]`.
 *
 * Feeds a PredictionLogWriter single-row iris records at a steady 8,000 a second (80 every
 * 10 ms, about what the local server answers under load) with the emulators on a worker thread
 * (as `cirrus local` runs them), flushes, and reports the CPU per record of this thread (the one
 * that answers predictions; Linux's per-thread counters) and of the whole process, the
 * BatchWriteItem calls made and the records each carried. Printed beside, measured in the same
 * rounds: the same writer with the previous defaults (writes of 256 records or every 50 ms)
 * and the floor, encoding the records into their parts without writing them. Rounds
 * interleave the three; medians are reported.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PredictionLogRecord } from '../contracts/serving.js';
import type { CoreDeps } from '../core/deps.js';
import { RequestIdAllocator } from '../core/serving/log-layout.js';
import { PartBuilder } from '../core/serving/log-parts.js';
import { type PredictionLogOptions, PredictionLogWriter } from '../core/serving/prediction-log.js';
import { startEmulatorsThread } from '../local/emulators/thread.js';
import '../local/polyfills.js';

const RECORDS = Number(process.argv[2] ?? 80_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const PER_TICK = 80;
const TICK_MS = 10;

/** CPU seconds of this thread (Linux), or undefined where /proc does not say. */
function threadCpuSeconds(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ ticks
  } catch {
    return undefined;
  }
}

function record(requestId: string): PredictionLogRecord {
  return {
    requestId,
    endpoint: 'iris',
    model: 'iris',
    at: new Date().toISOString(),
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
    outputs: [
      {
        label: 'setosa',
        probabilities: { setosa: 0.9999914169311523, versicolor: 0.000008591962796344887, virginica: 3.9e-8 },
      },
    ],
    rowCount: 1,
    latencyMs: 0.123456,
  };
}

interface Setting {
  readonly label: string;
  /** Writer options; undefined = encode only (the floor). */
  readonly options?: PredictionLogOptions;
}

interface Result {
  readonly threadUs?: number;
  readonly processUs: number;
  readonly calls: number;
}

const SETTINGS: readonly Setting[] = [
  { label: 'defaults (writes of 1,024 records or every 250 ms)', options: {} },
  {
    label: 'previous (writes of 256 records or every 50 ms)   ',
    options: { fillRecords: 256, flushIntervalMs: 50 },
  },
  { label: 'floor: records encoded, nothing written            ' },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One window: RECORDS records at the steady rate, then a flush. */
async function measure(setting: Setting, deps: CoreDeps, calls: { n: number }): Promise<Result> {
  const writer = setting.options ? new PredictionLogWriter(deps, setting.options) : undefined;
  const ids = new RequestIdAllocator();
  const parts = new PartBuilder(); // the floor's: records encoded into parts, then dropped
  const callsBefore = calls.n;
  const thread0 = threadCpuSeconds();
  const process0 = process.cpuUsage();
  for (let i = 0; i < RECORDS; i++) {
    const r = record(ids.next());
    if (writer) writer.log(r);
    else {
      parts.add(r);
      if (parts.records >= 1024) parts.take();
    }
    if (i % PER_TICK === PER_TICK - 1) await sleep(TICK_MS);
  }
  await writer?.flush();
  const thread1 = threadCpuSeconds();
  const { user, system } = process.cpuUsage(process0);
  return {
    threadUs:
      thread0 === undefined || thread1 === undefined ? undefined : ((thread1 - thread0) * 1e6) / RECORDS,
    processUs: (user + system) / RECORDS,
    calls: calls.n - callsBefore,
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cirrus-bench-log-'));
  const emulators = await startEmulatorsThread({ dataDir });
  const calls = { n: 0 };
  emulators.deps.ddb.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'BatchWriteItemCommand') calls.n++;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountBatchWrites' },
  );
  console.log(
    `Prediction log: ${RECORDS.toLocaleString('en-US')} single-row records at ${(PER_TICK * 1000) / TICK_MS}/s per window, emulators on a worker thread, ${ROUNDS} rounds`,
  );
  const results = new Map<Setting, Result[]>(SETTINGS.map((s) => [s, []]));
  await measure(SETTINGS[0], emulators.deps, calls); // warm-up, not counted
  for (let round = 1; round <= ROUNDS; round++) {
    for (const setting of SETTINGS) results.get(setting)!.push(await measure(setting, emulators.deps, calls));
    process.stderr.write(`round ${round}/${ROUNDS} done\n`);
  }
  const floor = results.get(SETTINGS[2])!;
  for (const setting of SETTINGS) {
    const rs = results.get(setting)!;
    const thread = rs.every((r) => r.threadUs !== undefined) ? median(rs.map((r) => r.threadUs!)) : undefined;
    const calls = median(rs.map((r) => r.calls));
    let line = `  ${setting.label}  this thread ${thread === undefined ? 'n/a' : `${thread.toFixed(1)} us`}/record, process ${median(rs.map((r) => r.processUs)).toFixed(1)} us/record`;
    if (setting.options) {
      line += `, ${calls} BatchWriteItem calls (${(RECORDS / Math.max(calls, 1)).toFixed(0)} records each)`;
      if (thread !== undefined && floor.every((r) => r.threadUs !== undefined))
        line += `; writing costs this thread ${(thread - median(floor.map((r) => r.threadUs!))).toFixed(1)} us/record over the floor`;
    }
    console.log(line);
  }
  await emulators.stop();
  await rm(dataDir, { recursive: true, force: true });
}

await main();
