import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { DriftReportDocumentSchema, type StoredDriftReport } from '../../contracts/drift.js';
import { ModelDriftDetectedDetailSchema } from '../../contracts/events.js';
import { getDriftReport, listDriftReports, runDriftEvaluation } from '../../core/drift/index.js';
import { NotFoundError } from '../../core/errors.js';
import { testClock, useEmulators } from '../emulators/harness.js';
import { makeRows, SHIFTED } from './fixtures/drift-data.js';
import { logRows, recordingPublisher, serveModel } from './fixtures/served-model.js';

// Real dynalite + s3rver; the predictions are written through core/serving's prediction log.
const clock = testClock('2030-06-01T12:00:00.000Z');
const { deps } = useEmulators({ now: clock.now });
const HOUR = 3_600_000;
const hoursAgo = (h: number) => new Date(clock.now().getTime() - h * HOUR);

const flagged = (report: StoredDriftReport) =>
  report.features
    .filter((f) => f.drifted)
    .map((f) => f.name)
    .sort();

describe('runDriftEvaluation against the emulators', () => {
  it('stores a drift report for shifted traffic and publishes ModelDriftDetected', async () => {
    const { version } = await serveModel(deps(), { model: 'churn' });
    const rows = makeRows({ seed: 101, rows: 3000, shift: true, feedbackRate: 1 });
    await logRows(deps(), { endpoint: 'churn', model: 'churn', version, rows, at: hoursAgo(3) });
    const events = recordingPublisher();

    const report = await runDriftEvaluation(deps(), events, { endpoint: 'churn' });

    expect(report.status).toBe('ok');
    expect(report.rows).toBe(3000);
    expect(report.version).toBe(version);
    expect(flagged(report)).toEqual([SHIFTED.mean, SHIFTED.spread].sort());
    expect(report.features.find((f) => f.name === SHIFTED.mean)?.test).toBe('wasserstein');
    expect(report.prediction?.drifted).toBe(true);
    // Feedback agrees with the toy model 90 % of the time, as on the reference: no quality drop.
    expect(report.performance).toMatchObject({ metric: 'accuracy', rows: 3000, drifted: false });
    expect(report.driftDetected).toBe(true);
    expect(report.event).toBe('published');

    // The JSON in S3 at the documented key, and the same report read back through the API's call.
    expect(report.reportUri).toBe(`s3://${deps().bucket}/drift/churn/${report.reportId}.json`);
    const object = await deps().s3.send(
      new GetObjectCommand({ Bucket: deps().bucket, Key: `drift/churn/${report.reportId}.json` }),
    );
    const stored = DriftReportDocumentSchema.parse(JSON.parse(await object.Body!.transformToString()));
    expect(stored.features).toEqual(report.features);
    expect(await getDriftReport(deps(), { endpoint: 'churn', reportId: report.reportId })).toEqual(report);

    const [summary] = await listDriftReports(deps(), { endpoint: 'churn' });
    expect(summary).toMatchObject({
      reportId: report.reportId,
      status: 'ok',
      driftedFeatures: 2,
      features: 20,
      predictionDrift: true,
      driftDetected: true,
      event: 'published',
    });

    expect(events.published).toHaveLength(1);
    const [{ detailType, detail }] = events.published;
    expect(detailType).toBe('ModelDriftDetected');
    expect(ModelDriftDetectedDetailSchema.parse(detail)).toEqual({
      endpoint: 'churn',
      model: 'churn',
      version,
      reportUri: report.reportUri,
      reportId: report.reportId,
      experiment: 'churn',
    });
  });

  it('does not publish the same drift again within the cooldown, but still stores the report', async () => {
    clock.advance(HOUR);
    const events = recordingPublisher();
    const again = await runDriftEvaluation(deps(), events, { endpoint: 'churn' });
    expect(again.driftDetected).toBe(true);
    expect(again.event).toBe('suppressed');
    expect(events.published).toEqual([]);
    const reports = await listDriftReports(deps(), { endpoint: 'churn' });
    expect(reports.map((r) => r.event)).toEqual(['suppressed', 'published']); // newest first
  });

  it('finds no drift in unshifted traffic, and ignores rows outside the window', async () => {
    const { version } = await serveModel(deps(), { model: 'stable' });
    const rows = makeRows({ seed: 202, rows: 3000 });
    await logRows(deps(), { endpoint: 'stable', model: 'stable', version, rows, at: hoursAgo(2) });
    // Shifted rows from two days ago: outside the default 24-hour window.
    const old = makeRows({ seed: 203, rows: 1000, shift: true });
    await logRows(deps(), { endpoint: 'stable', model: 'stable', version, rows: old, at: hoursAgo(48) });
    const events = recordingPublisher();

    const report = await runDriftEvaluation(deps(), events, { endpoint: 'stable' });

    expect(report.status).toBe('ok');
    expect(report.rows).toBe(3000);
    expect(flagged(report)).toEqual([]);
    expect(report.prediction?.drifted).toBe(false);
    expect(report.driftDetected).toBe(false);
    expect(report.event).toBe('none');
    expect(events.published).toEqual([]);

    // A 72-hour window takes the old shifted rows in: the mean shift shows up.
    const wide = await runDriftEvaluation(deps(), events, { endpoint: 'stable', windowHours: 72 });
    expect(wide.rows).toBe(4000);
    expect(wide.window.hours).toBe(72);
    expect(wide.features.find((f) => f.name === SHIFTED.mean)?.drifted).toBe(true);
  });

  it('reports "not enough data" with the minimum for an endpoint without traffic', async () => {
    await serveModel(deps(), { model: 'quiet' });
    const events = recordingPublisher();
    const report = await runDriftEvaluation(deps(), events, { endpoint: 'quiet' });
    expect(report.status).toBe('not_enough_data');
    expect(report.rows).toBe(0);
    expect(report.minRows).toBe(30);
    expect(report.message).toContain('not enough data');
    expect(report.message).toContain('at least 30');
    expect(report.driftDetected).toBe(false);
    expect(events.published).toEqual([]);
    expect((await listDriftReports(deps(), { endpoint: 'quiet' }))[0]).toMatchObject({
      status: 'not_enough_data',
      event: 'none',
    });
  });

  it('says so when the serving version has no baseline', async () => {
    await serveModel(deps(), { model: 'legacy', baseline: false });
    const report = await runDriftEvaluation(deps(), recordingPublisher(), { endpoint: 'legacy' });
    expect(report.status).toBe('no_baseline');
    expect(report.message).toContain('no baseline');
    expect(report.features).toEqual([]);
  });

  it('rejects an unknown endpoint and bad options with typed errors', async () => {
    await expect(
      runDriftEvaluation(deps(), recordingPublisher(), { endpoint: 'nope' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      runDriftEvaluation(deps(), recordingPublisher(), { endpoint: 'churn', windowHours: -1 }),
    ).rejects.toMatchObject({ field: 'options.windowHours' });
    await expect(getDriftReport(deps(), { endpoint: 'churn', reportId: 'missing' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
