import { describe, expect, it } from 'vitest';
import type { DriftReportSummary, StoredDriftReport } from '../../contracts/drift.js';
import type { PipelineRunner } from '../../core/ports.js';
import { createApp } from '../../lambdas/api/app.js';
import { useEmulators } from '../emulators/harness.js';
import { makeRows } from './fixtures/drift-data.js';
import { logRows, recordingPublisher, serveModel } from './fixtures/served-model.js';

// The HTTP API in-process (app.request) over real emulators; the event publisher and the
// pipeline runner (the AWS control plane) are recording doubles.
const { deps } = useEmulators();
const runner: PipelineRunner = {
  start: () => Promise.reject(new Error('not used')),
  describe: () => Promise.reject(new Error('not used')),
};

describe('drift routes', () => {
  it('evaluates on POST, lists the reports and serves each in full', async () => {
    const events = recordingPublisher();
    const { app } = createApp({ deps: deps(), pipelines: runner, events });
    const { version } = await serveModel(deps(), { model: 'loans' });
    const rows = makeRows({ seed: 505, rows: 1500, shift: true });
    await logRows(deps(), {
      endpoint: 'loans',
      model: 'loans',
      version,
      rows,
      at: new Date(Date.now() - 3_600_000),
    });
    const json = { 'content-type': 'application/json' };

    const posted = await app.request('/v1/endpoints/loans/drift', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ windowHours: 6 }),
    });
    expect(posted.status).toBe(200);
    const report = (await posted.json()) as StoredDriftReport;
    expect(report).toMatchObject({
      endpoint: 'loans',
      status: 'ok',
      rows: 1500,
      driftDetected: true,
      event: 'published',
    });
    expect(report.window.hours).toBe(6);
    expect(events.published).toHaveLength(1);

    const listed = (await (await app.request('/v1/endpoints/loans/drift')).json()) as {
      reports: DriftReportSummary[];
    };
    expect(listed.reports.map((r) => r.reportId)).toEqual([report.reportId]);
    const one = await app.request(`/v1/endpoints/loans/drift/${report.reportId}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual(report);

    const bad = await app.request('/v1/endpoints/loans/drift', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ windowHours: 0 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('windowHours');
    expect(
      (await app.request('/v1/endpoints/nowhere/drift', { method: 'POST', headers: json, body: '{}' }))
        .status,
    ).toBe(404);
    expect((await app.request('/v1/endpoints/loans/drift/20300101-000000-000-deadbeef')).status).toBe(404);
    expect((await app.request('/v1/endpoints/nowhere/drift')).status).toBe(404);
  });
});
