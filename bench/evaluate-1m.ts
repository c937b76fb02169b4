/**
 * The Evaluate step's scoring and baseline at a million rows, alone (issue 23, goal 2).
 * Run: `npx tsx bench/evaluate-1m.ts [--rows 1000000] [--paths floor,ort,bytes,records] [--keep]`
 * (`--keep`: leave the data, model and outputs in the printed directory).
 *
 * Writes bench/gbm.ts's data set as the run's channels (first 75% train, the rest test, as
 * Prepare splits it), fits gradient boosting (defaults) on the first 50,000 training rows in
 * process for a model of the size the full run exports (the trees' count and depth are the
 * defaults'), then runs each path in its own child process against fresh emulators (emulated S3
 * on a worker thread of that process): `floor` reads both channels' bytes and does nothing else;
 * `ort` times session.run alone on both channels' rows already in memory (65,536 per call);
 * `bytes` is scoreStreamed (Evaluate's path); `records` is the record path it replaced
 * (scoreStreamedRecords). Prints wall, process CPU (all threads: onnxruntime's pool and the
 * emulator too) and peak RSS over the RSS at the start, and checks that both paths' metrics and
 * baseline JSON are identical.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { type ModelContract, ModelContractSchema } from '../contracts/model-contract.js';
import { parseTrainingJobConfig, toHyperparametersFile } from '../contracts/training-job.js';
import { putArtifact, readArtifactStream } from '../core/artifacts/index.js';
import { readCsvPlainFirst } from '../core/data/csv-plain-rows.js';
import { csvRecordsOfStream } from '../core/data/index.js';
import { numericMetrics } from '../core/drift/profile.js';
import { BYTES_BATCH_ROWS } from '../core/pipeline/score-bytes.js';
import { batchLayout, FeatureBatch } from '../core/pipeline/feature-batch.js';
import { scoreStreamed, scoreStreamedRecords } from '../core/pipeline/evaluate.js';
import { runKeys } from '../core/pipeline/prepare.js';
import { startEmulators } from '../local/emulators/index.js';
import { train } from '../training/train.js';
import { BENCH_GBM_JOB, classificationData, writeRows } from './classification-csv.js';

const SELF = fileURLToPath(import.meta.url);
const MiB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const arg = (name: string, fallback: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1]! : fallback;
};

/** One path, in this (child) process: its figures as a JSON line, its output in the directory. */
async function child(dir: string, path: string): Promise<void> {
  const emulators = await startEmulators({ dataDir: join(dir, `data-${path}`) });
  const { deps } = emulators;
  const keys = runKeys('bench');
  try {
    for (const channel of ['train', 'test'] as const)
      await putArtifact(deps, { key: keys[channel], body: readFileSync(join(dir, `${channel}.csv`)) });
    const contract = ModelContractSchema.parse(JSON.parse(readFileSync(join(dir, 'contract.json'), 'utf8')));
    const session = await ort.InferenceSession.create(readFileSync(join(dir, 'model.onnx')));
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.memoryUsage().rss;
    let peak = start;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let out: unknown;
    if (path === 'ort') out = await ortOnly(dir, contract, session);
    else if (path === 'floor') {
      let bytes = 0;
      for (const key of [keys.test, keys.train])
        for await (const chunk of readArtifactStream(deps, { key })) bytes += chunk.length;
      out = { bytes };
    } else {
      const score = path === 'bytes' ? scoreStreamed : scoreStreamedRecords;
      const scored = await score(deps, session, contract, keys, { seed: 42 });
      out = {
        metrics: scored.metrics,
        baseline: scored.baseline(numericMetrics(scored.metrics), new Date(0)),
      };
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    writeFileSync(join(dir, `${path}.json`), JSON.stringify(out));
    // The ort path times session.run only (its read is untimed).
    const own = out as { wall?: number; cpu?: number };
    const figures =
      path === 'ort' ? { wall: own.wall, cpu: own.cpu } : { wall, cpu: (cpu.user + cpu.system) / 1e6 };
    console.log(JSON.stringify({ path, ...figures, start, peak }));
    await session.release();
  } finally {
    await emulators.stop();
  }
}

/** session.run alone over both channels' rows, already in memory as tensors (read untimed). */
async function ortOnly(dir: string, contract: ModelContract, session: ort.InferenceSession) {
  const batches: Record<string, ort.Tensor>[] = [];
  for (const channel of ['test', 'train']) {
    const bytes = readFileSync(join(dir, `${channel}.csv`));
    await readCsvPlainFirst(
      (async function* () {
        yield bytes;
      })(),
      channel,
      (source) => csvRecordsOfStream(source, channel),
      (names) => {
        const batch = new FeatureBatch(batchLayout(contract, names, false), BYTES_BATCH_ROWS);
        const take = () => {
          if (batch.n) batches.push(batch.tensors(contract));
          batch.n = 0;
        };
        return {
          bytes: (buf, bounds) =>
            batch.full ? (take(), batch.addBytes(buf, bounds)) : batch.addBytes(buf, bounds),
          cells: () => undefined,
          drain: async () => take(),
        };
      },
    );
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const feeds of batches) await session.run(feeds);
  const cpu = process.cpuUsage(cpu0);
  return { runs: batches.length, wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

function runChild(
  dir: string,
  path: string,
): Promise<{ wall: number; cpu: number; start: number; peak: number }> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', SELF, '--child', path, '--dir', dir],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split('\n').find((l) => l.startsWith('{"path"'));
        if (error || !line) return reject(new Error(`${path}: ${stderr.slice(-3000)}`));
        resolve(JSON.parse(line));
      },
    ),
  );
}

async function main(): Promise<void> {
  const rows = Number(arg('--rows', '1000000'));
  const paths = arg('--paths', 'floor,ort,bytes,records').split(',');
  const dir = await mkdtemp(join(tmpdir(), 'cirrus-evaluate-1m-'));
  try {
    const { X, y } = classificationData(rows);
    const cut = Math.floor(rows * 0.75);
    const trainBytes = await writeRows(join(dir, 'train.csv'), X, y, 0, cut);
    const testBytes = await writeRows(join(dir, 'test.csv'), X, y, cut, rows);
    await writeRows(join(dir, 'fit.csv'), X, y, 0, Math.min(cut, 50_000));
    const fitted = train(parseTrainingJobConfig(toHyperparametersFile(BENCH_GBM_JOB, {})), {
      path: join(dir, 'fit.csv'),
    });
    writeFileSync(join(dir, 'model.onnx'), fitted.onnx);
    writeFileSync(join(dir, 'contract.json'), JSON.stringify(fitted.contract));
    console.log(
      `data: ${rows} rows x 21 columns = float64 ${MiB(rows * 21 * 8)}; train.csv ${MiB(trainBytes)}, test.csv ${MiB(testBytes)}; model ${MiB(fitted.onnx.length)}`,
    );
    const floor = paths.includes('floor') ? await runChild(dir, 'floor') : undefined;
    for (const path of paths) {
      const r = path === 'floor' && floor ? floor : await runChild(dir, path);
      const ratio = floor
        ? `  (${(r.wall / floor.wall).toFixed(2)}x floor wall, ${(r.cpu / floor.cpu).toFixed(2)}x CPU)`
        : '';
      console.log(
        `${path.padEnd(8)} ${r.wall.toFixed(2).padStart(6)} s wall  ${r.cpu.toFixed(2).padStart(6)} s CPU  RSS peak ${MiB(r.peak)} (+${MiB(r.peak - r.start)})${ratio}`,
      );
    }
    if (paths.includes('bytes') && paths.includes('records')) {
      const same =
        readFileSync(join(dir, 'bytes.json'), 'utf8') === readFileSync(join(dir, 'records.json'), 'utf8');
      console.log(`metrics and baseline JSON identical (bytes vs records): ${same}`);
      if (!same) process.exitCode = 1;
    }
  } finally {
    if (process.argv.includes('--keep')) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) await child(arg('--dir', ''), arg('--child', ''));
else await main();
