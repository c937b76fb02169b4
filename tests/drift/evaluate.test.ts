import { describe, expect, it } from 'vitest';
import { type DriftReport, DriftReportSchema } from '../../contracts/drift.js';
import { driftWindow, evaluateDrift } from '../../core/drift/index.js';
import { populationStabilityIndex } from '../../core/drift/stats/categorical.js';
import { ValidationError } from '../../core/errors.js';
import { baselineOf, streamOf } from './fixtures/baseline.js';
import { COLUMNS, makeRows, SHIFTED } from './fixtures/drift-data.js';

const header = {
  endpoint: 'churn',
  model: 'churn-clf',
  version: 3,
  window: driftWindow(new Date('2025-06-01T12:00:00Z'), 24),
};

async function evaluatePair(
  refRows: number,
  curRows: number,
  seed: number,
  shift: boolean,
): Promise<DriftReport> {
  const baseline = baselineOf(makeRows({ seed, rows: refRows }), seed);
  const current = makeRows({ seed: seed + 1_000_000, rows: curRows, shift });
  const report = await evaluateDrift({ ...header, baseline, rows: streamOf(current) });
  // Every report must also be a valid stored document.
  DriftReportSchema.parse(report);
  return report;
}

const f0 = (counts: readonly number[]) => counts.reduce((a, b) => a + b, 0);
const flagged = (report: DriftReport) =>
  report.features
    .filter((f) => f.drifted)
    .map((f) => f.name)
    .sort();
const testOf = (report: DriftReport, name: string) => report.features.find((f) => f.name === name)?.test;

describe('evaluateDrift on a drift pair', () => {
  // The p-value tests run on 18 unshifted features at α = 0.05, so a clean sweep has probability
  // 0.95^18 ≈ 0.4 for any one seed: this seeded pair is one such sweep. The false-positive rate
  // itself is checked statistically below, and the power over 20 seeds right after.
  it('flags exactly the two shifted features with the small-reference tests (800 rows)', async () => {
    const report = await evaluatePair(800, 3000, 11, true);
    expect(report.status).toBe('ok');
    expect(flagged(report)).toEqual([SHIFTED.mean, SHIFTED.spread].sort());
    expect(testOf(report, 'income')).toBe('ks');
    expect(testOf(report, 'visits')).toBe('ks');
    expect(testOf(report, 'num_children')).toBe('chisquare');
    expect(testOf(report, 'is_member')).toBe('z');
    expect(testOf(report, 'plan')).toBe('chisquare');
    expect(report.features).toHaveLength(COLUMNS.length);
    expect(report.driftedFeatures).toBe(2);
    expect(report.share).toBeCloseTo(2 / 20, 12);
    expect(report.datasetDrift).toBe(false);
    // The toy model's label depends on income, so its predictions drift too.
    expect(report.prediction?.drifted).toBe(true);
    expect(report.driftDetected).toBe(true);
  });

  it('flags exactly the two shifted features with the distance measures (5000 rows)', async () => {
    const report = await evaluatePair(5000, 20_000, 12, true);
    expect(flagged(report)).toEqual([SHIFTED.mean, SHIFTED.spread].sort());
    expect(testOf(report, 'income')).toBe('wasserstein');
    expect(testOf(report, 'num_children')).toBe('jensenshannon');
    expect(testOf(report, 'plan')).toBe('jensenshannon');
    const income = report.features.find((f) => f.name === 'income');
    // A 0.5-std mean shift is a normalized Wasserstein distance of about 0.5.
    expect(income?.statistic).toBeGreaterThan(0.4);
    expect(income?.statistic).toBeLessThan(0.6);
    expect(income?.pValue).toBeNull();
    expect(income?.psiDrifted).toBe(true);
  });

  it("keeps each feature's bins, both sides, and its PSI is the PSI of those bins", async () => {
    const report = await evaluatePair(800, 3000, 11, true);
    for (const f of [...report.features, report.prediction!]) {
      const d = f.distribution!;
      expect(d.reference).toHaveLength(d.kind === 'histogram' ? d.edges.length + 1 : d.labels.length);
      expect(d.current).toHaveLength(d.reference.length);
      // Each side's bins hold every non-missing value it saw.
      expect(d.reference.reduce((a, b) => a + b, 0)).toBe(f.reference.count);
      expect(d.current.reduce((a, b) => a + b, 0)).toBe(f.current.count);
      expect(populationStabilityIndex(d.reference, d.current)).toBeCloseTo(f.psi, 12);
    }
    const kind = (name: string) => report.features.find((f) => f.name === name)!.distribution!.kind;
    expect(kind('income')).toBe('histogram'); // continuous: the reference's deciles
    expect(kind('plan')).toBe('values'); // categorical: its categories
    const income = report.features.find((f) => f.name === 'income')!.distribution!;
    // Shifted up by half a std: the current side leaves the reference's low deciles.
    expect(income.current[0] / f0(income.current)).toBeLessThan(income.reference[0] / f0(income.reference));
  });

  it('catches both shifts with the small-reference tests on every one of 20 seeds', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const report = await evaluatePair(800, 3000, 300 + seed, true);
      const names = flagged(report);
      expect(names).toContain(SHIFTED.mean);
      expect(names).toContain(SHIFTED.spread);
    }
  });

  it('calls the dataset drifted once the share reaches the configured threshold', async () => {
    const baseline = baselineOf(makeRows({ seed: 13, rows: 2000 }), 13);
    const rows = makeRows({ seed: 14, rows: 4000, shift: true });
    const atDefault = await evaluateDrift({ ...header, baseline, rows });
    const atTenth = await evaluateDrift({ ...header, baseline, rows, options: { driftShare: 0.1 } });
    expect(atDefault.share).toBeCloseTo(0.1, 12);
    expect(atDefault.datasetDrift).toBe(false);
    expect(atTenth.datasetDrift).toBe(true);
    expect(atTenth.driftShareThreshold).toBe(0.1);
  });

  it('accepts pages of rows and gives the same report as single rows', async () => {
    const baseline = baselineOf(makeRows({ seed: 15, rows: 5000 }), 15);
    const rows = makeRows({ seed: 16, rows: 12_000, shift: true });
    const pages = [rows.slice(0, 5000), rows.slice(5000)];
    const single = await evaluateDrift({ ...header, baseline, rows: streamOf(rows) });
    const paged = await evaluateDrift({ ...header, baseline, rows: streamOf(pages) });
    expect(paged).toEqual(single);
  });
});

describe('evaluateDrift on an unchanged distribution', () => {
  it('keeps the per-feature false-positive rate near the nominal 5% over 50 seeds', async () => {
    const seeds = 50;
    const hits = new Map<string, number>(COLUMNS.map((c) => [c.name, 0]));
    let datasetDrifts = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const report = await evaluatePair(600, 1500, 100 + seed, false);
      for (const name of flagged(report)) hits.set(name, (hits.get(name) ?? 0) + 1);
      if (report.datasetDrift) datasetDrifts++;
    }
    const total = [...hits.values()].reduce((a, b) => a + b, 0);
    const pooled = total / (seeds * COLUMNS.length);
    // Pooled over 1000 tests: 5% ± 0.7% (1 sd). Above 8% the p-values are wrong (too liberal);
    // below 1% the tests would be far too conservative to catch real drift.
    expect(pooled).toBeLessThan(0.08);
    expect(pooled).toBeGreaterThan(0.01);
    // One feature at 11/50 or more would be p < 1e-4 under a correct 5% test.
    for (const [, count] of hits) expect(count / seeds).toBeLessThan(0.22);
    expect(datasetDrifts).toBe(0);
  });

  it('flags nothing with the distance measures (large reference) over 5 seeds', async () => {
    for (let seed = 0; seed < 5; seed++) {
      const report = await evaluatePair(3000, 8000, 200 + seed, false);
      expect(flagged(report)).toEqual([]);
      expect(report.prediction?.drifted).toBe(false);
      expect(report.driftDetected).toBe(false);
    }
  });
});

describe('evaluateDrift edge cases', () => {
  it('reports not enough data (naming the minimum) for an endpoint with no traffic', async () => {
    const baseline = baselineOf(makeRows({ seed: 1, rows: 300 }), 1);
    const report = await evaluateDrift({ ...header, baseline, rows: streamOf([]) });
    expect(report.status).toBe('not_enough_data');
    expect(report.rows).toBe(0);
    expect(report.minRows).toBe(30);
    expect(report.message).toMatch(/not enough data: 0 logged rows .* at least 30/);
    expect(report.features).toEqual([]);
    expect(report.driftDetected).toBe(false);
    DriftReportSchema.parse(report);
  });

  it('honours a configured minimum', async () => {
    const baseline = baselineOf(makeRows({ seed: 2, rows: 300 }), 2);
    const rows = makeRows({ seed: 3, rows: 50 });
    const report = await evaluateDrift({ ...header, baseline, rows, options: { minRows: 100 } });
    expect(report.status).toBe('not_enough_data');
    expect(report.message).toContain('50 logged rows');
    expect(report.message).toContain('at least 100');
  });

  it('rejects bad options with a ValidationError naming the field', async () => {
    const baseline = baselineOf(makeRows({ seed: 4, rows: 100 }), 4);
    const run = evaluateDrift({ ...header, baseline, rows: [], options: { driftShare: 2 } });
    await expect(run).rejects.toBeInstanceOf(ValidationError);
    await expect(run).rejects.toMatchObject({ field: 'options.driftShare' });
  });
});
