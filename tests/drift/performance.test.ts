import { describe, expect, it } from 'vitest';
import { DriftReportSchema, type LoggedRow } from '../../contracts/drift.js';
import {
  buildBaselineProfile,
  driftWindow,
  evaluateDrift,
  noBaselineReport,
} from '../../core/drift/index.js';
import { baselineOf } from './fixtures/baseline.js';
import { makeRows } from './fixtures/drift-data.js';

const header = {
  endpoint: 'churn',
  model: 'churn-clf',
  version: 2,
  window: driftWindow(new Date('2025-06-01T00:00:00Z'), 6),
};

describe('performance drift', () => {
  const baseline = baselineOf(makeRows({ seed: 21, rows: 800 }), 21, { accuracy: 0.9 });

  it('flags a classifier whose live accuracy fell beyond the tolerance', async () => {
    // Truth flips on 30% of rows with feedback: accuracy ≈ 0.7 < 0.9·(1 - 0.1).
    const rows = makeRows({ seed: 22, rows: 3000, feedbackRate: 0.5, flipRate: 0.3 });
    const report = await evaluateDrift({ ...header, baseline, rows });
    expect(report.performance).toMatchObject({
      metric: 'accuracy',
      baseline: 0.9,
      tolerance: 0.1,
      drifted: true,
    });
    expect(report.performance?.current).toBeGreaterThan(0.65);
    expect(report.performance?.current).toBeLessThan(0.75);
    expect(report.performance?.rows).toBeGreaterThan(1400);
    expect(report.driftDetected).toBe(true);
  });

  it('keeps a classifier within tolerance unflagged', async () => {
    const rows = makeRows({ seed: 23, rows: 3000, feedbackRate: 0.5, flipRate: 0.1 });
    const report = await evaluateDrift({ ...header, baseline, rows });
    expect(report.performance?.drifted).toBe(false);
    expect(report.performance?.current).toBeGreaterThan(0.85);
  });

  it('reports no performance without feedback, and no verdict on too little of it', async () => {
    const none = await evaluateDrift({ ...header, baseline, rows: makeRows({ seed: 24, rows: 500 }) });
    expect(none.performance).toBeNull();
    const few = makeRows({ seed: 25, rows: 500 }).map(
      (row, i): LoggedRow => (i < 10 ? { ...row, actual: 'nope' } : row),
    );
    const report = await evaluateDrift({ ...header, baseline, rows: few });
    expect(report.performance).toMatchObject({ rows: 10, current: null, drifted: false });
  });

  it('compares live RMSE with the baseline RMSE for regressors', async () => {
    const n = 400;
    const x = Array.from({ length: n }, (_, i) => i / n);
    const regression = buildBaselineProfile({
      task: 'regression',
      seed: 1,
      features: [{ name: 'x', type: 'numeric' }],
      columns: { x },
      predictions: x.map((v) => 2 * v),
      metrics: { rmse: 0.1, r2: 0.9 },
    });
    const rowsWithError = (error: number): LoggedRow[] =>
      x.map((v, i) => ({
        features: { x: v },
        prediction: 2 * v,
        actual: 2 * v + (i % 2 === 0 ? error : -error),
      }));
    const worse = await evaluateDrift({ ...header, baseline: regression, rows: rowsWithError(0.2) });
    expect(worse.performance).toMatchObject({ metric: 'rmse', baseline: 0.1, drifted: true });
    expect(worse.performance?.current).toBeCloseTo(0.2, 12);
    const same = await evaluateDrift({ ...header, baseline: regression, rows: rowsWithError(0.105) });
    expect(same.performance?.drifted).toBe(false);
    expect(same.features[0].drifted).toBe(false);
  });
});

describe('noBaselineReport', () => {
  it('says which version lacks a baseline, as a valid report', () => {
    const report = noBaselineReport(header);
    expect(report.status).toBe('no_baseline');
    expect(report.message).toContain("model 'churn-clf' version 2 has no baseline profile");
    expect(report.minRows).toBe(30);
    expect(DriftReportSchema.parse(report)).toEqual(report);
  });
});

describe('driftWindow', () => {
  it('ends at now and spans the given hours', () => {
    expect(driftWindow(new Date('2025-06-02T00:00:00Z'), 24)).toEqual({
      start: '2025-06-01T00:00:00.000Z',
      end: '2025-06-02T00:00:00.000Z',
      hours: 24,
    });
  });
});
