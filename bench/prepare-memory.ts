/**
 * Prepare's split, streamed vs in memory, on the emulated S3 (issue 23, goal 2).
 * Run: `node --expose-gc --import tsx bench/prepare-memory.ts [--rows 200000]`.
 * Same run, same file: the in-memory reference (getArtifact → parseCsv → splitRows → toCsv → two
 * putArtifact) and the streaming split Prepare now runs. Prints wall and CPU time and the peak of
 * the main isolate's heap (the emulators run in a worker thread with their own heap) and of RSS.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getArtifact, putArtifact } from '../core/artifacts/index.js';
import { findColumn, parseCsv, splitRows, toCsv, toStrings } from '../core/data/index.js';
import type { CoreDeps } from '../core/deps.js';
import { splitDatasetStreaming } from '../core/pipeline/split-stream.js';
import { startEmulators } from '../local/emulators/index.js';
import { writeClassificationCsv } from './classification-csv.js';

const MiB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};

async function measure(label: string, work: () => Promise<unknown>): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let heap = base.heapUsed;
  let rss = base.rss;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  }, 10);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  const cpuS = (used.user + used.system) / 1e6;
  console.log(
    `${label.padEnd(22)} ${wall.toFixed(1).padStart(6)} s  cpu ${cpuS.toFixed(1).padStart(6)} s  main heap peak ${MiB(heap).padStart(9)} (+${MiB(heap - base.heapUsed)})  rss peak ${MiB(rss).padStart(9)} (+${MiB(rss - base.rss)})`,
  );
}

async function inMemory(deps: CoreDeps, key: string, sha: string): Promise<void> {
  const csv = parseCsv(await getArtifact(deps, { key, expectedSha256: sha }), { field: 'dataset' });
  const labels = toStrings(findColumn(csv, 'target', 'target'));
  const split = splitRows(csv.schema.rowCount, { strategy: 'stratified', testSize: 0.25, seed: 42, labels });
  await Promise.all([
    putArtifact(deps, { key: 'ref/train.csv', body: toCsv(csv.columns, split.train) }),
    putArtifact(deps, { key: 'ref/test.csv', body: toCsv(csv.columns, split.test) }),
  ]);
}

async function main(): Promise<void> {
  const rows = arg('--rows', 200_000);
  const dir = await mkdtemp(join(tmpdir(), 'cirrus-prepare-mem-'));
  const emulators = await startEmulators({ dataDir: join(dir, 'data') });
  try {
    const file = join(dir, 'data.csv');
    const { bytes } = await writeClassificationCsv(file, rows);
    const source = await putArtifact(emulators.deps, { key: 'source/data.csv', body: await readFile(file) });
    console.log(`data: ${rows} rows x 21 columns; float64 ${MiB(rows * 21 * 8)}; CSV ${MiB(bytes)}`);
    const streamed = () =>
      splitDatasetStreaming(emulators.deps, {
        source: { key: source.key, expectedSha256: source.sha256 },
        strategy: 'stratified',
        testSize: 0.25,
        seed: 42,
        target: 'target',
        keys: { train: 'new/train.csv', test: 'new/test.csv' },
      });
    for (let round = 1; round <= 2; round++) {
      await measure(`streaming (round ${round})`, streamed);
      await measure(`in memory (round ${round})`, () => inMemory(emulators.deps, source.key, source.sha256));
    }
  } finally {
    await emulators.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
