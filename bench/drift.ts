/**
 * Drift evaluation over 1,000,000 logged rows × 20 features (issue 7's goal: under 3 s, memory
 * bounded). Run: `npx tsx bench/drift.ts [rows]`. Prints, for each test family, the median of 3
 * runs beside the reference floor measured in the same run: iterating the same generated rows
 * and summing every feature (what any evaluation must pay to read the data). Memory: peak RSS
 * of the process and the largest heap seen while streaming, at 1/10 of the rows and at all of
 * them; bounded means the two stay close while the rows grow 10×.
 */
import type { BaselineProfile, LoggedRow } from '../contracts/drift.js';
import { BaselineProfileBuilder, driftWindow, evaluateDrift } from '../core/drift/index.js';
import { createRng } from '../core/ml/random.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const NUMERIC = Array.from({ length: 17 }, (_, i) => `num_${String(i).padStart(2, '0')}`);
const COLUMNS = [
  ...NUMERIC.map((name) => ({ name, type: 'numeric' as const })),
  { name: 'children', type: 'numeric' as const },
  { name: 'member', type: 'numeric' as const },
  { name: 'plan', type: 'categorical' as const },
];
const PLANS = ['basic', 'plus', 'pro', 'enterprise'];

// A pool of normals read at a rolling offset keeps generation cheap, so the floor measures
// iteration and not the sampler; rows are still fresh objects, as from a database page.
const POOL_SIZE = 1 << 16;
const pool = new Float64Array(POOL_SIZE);
const rng = createRng(2025);
for (let i = 0; i < POOL_SIZE; i++) pool[i] = rng.normal();

function makeRow(i: number, shift: number): LoggedRow {
  const features: Record<string, number | string | null> = {};
  let k = (i * 7919) & (POOL_SIZE - 1);
  for (let f = 0; f < NUMERIC.length; f++) {
    features[NUMERIC[f]] = 10 * f + pool[k] + (f === 0 ? shift : 0);
    k = (k + 1) & (POOL_SIZE - 1);
  }
  features.children = (i * 31) % 4;
  features.member = (i * 17) % 3 === 0 ? 1 : 0;
  features.plan = PLANS[(i * 13) % 4];
  return { features, prediction: pool[k] > 0 ? 'yes' : 'no', actual: i % 10 === 0 ? 'yes' : null };
}

interface Peak {
  heap: number;
}

async function* loggedRows(count: number, peak: Peak): AsyncGenerator<LoggedRow> {
  for (let i = 0; i < count; i++) {
    if ((i & 0xffff) === 0) peak.heap = Math.max(peak.heap, process.memoryUsage().heapUsed);
    yield makeRow(i, 0.5);
  }
}

function baseline(rows: number): BaselineProfile {
  const builder = new BaselineProfileBuilder({ task: 'classification', features: COLUMNS, seed: 1 });
  for (let i = 0; i < rows; i++) {
    // Other indices than the window's, from the same distributions.
    const row = makeRow(ROWS + i, 0);
    builder.add(row.features, row.prediction);
  }
  return builder.finish({ accuracy: 0.5 });
}

async function floor(count: number): Promise<number> {
  let sum = 0;
  for await (const row of loggedRows(count, { heap: 0 })) {
    for (const column of COLUMNS) {
      const value = row.features[column.name];
      if (typeof value === 'number') sum += value;
    }
  }
  return sum;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function family(label: string, referenceRows: number): Promise<void> {
  const profile = baseline(referenceRows);
  const header = { endpoint: 'bench', model: 'bench', version: 1, window: driftWindow(new Date(), 24) };
  const heaps: string[] = [];
  for (const count of [Math.floor(ROWS / 10), ROWS]) {
    globalThis.gc?.();
    const peak = { heap: 0 };
    await evaluateDrift({ ...header, baseline: profile, rows: loggedRows(count, peak) });
    heaps.push(`${count.toLocaleString('en')} rows: ${mb(peak.heap)}`);
  }
  const times: number[] = [];
  let drifted = '';
  for (let r = 0; r < 3; r++) {
    times.push(
      await timed(async () => {
        const report = await evaluateDrift({
          ...header,
          baseline: profile,
          rows: loggedRows(ROWS, { heap: 0 }),
        });
        drifted = report.features
          .filter((f) => f.drifted)
          .map((f) => `${f.name} (${f.test})`)
          .join(', ');
      }),
    );
  }
  console.log(
    `${label}: evaluateDrift median ${median(times).toFixed(0)} ms  [${times.map((t) => t.toFixed(0)).join(', ')}]`,
  );
  console.log(`  peak heap while streaming: ${heaps.join('; ')}`);
  console.log(`  drifted: ${drifted || 'none'} (the generator shifts num_00 by 0.5 std)`);
}

async function main(): Promise<void> {
  console.log(
    `drift bench: ${ROWS.toLocaleString('en')} rows × ${COLUMNS.length} features, node ${process.version}`,
  );
  const floors: number[] = [];
  for (let r = 0; r < 3; r++) floors.push(await timed(() => floor(ROWS)));
  console.log(`reference floor (iterate the same rows and sum them): median ${median(floors).toFixed(0)} ms`);
  await family('reference 5,000 rows (Wasserstein / Jensen-Shannon)', 5000);
  await family('reference 800 rows (KS / chi-square / z)', 800);
  console.log(`peak RSS of the whole process: ${mb(process.resourceUsage().maxRSS * 1024)}`);
}

await main();
