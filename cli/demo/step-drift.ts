import { seg } from '../client.js';
import { driftFeaturesTable, driftSummary } from '../format/drift.js';
import type { ApiRun, DriftReportView, PredictResponse } from '../types.js';
import { sleep } from '../watch-run.js';
import { type DemoContext, DemoError } from './context.js';
import { drifted, take } from './iris.js';
import { followRun } from './step-train.js';

/** The changed world: petals measured longer, sepals wider (two of four features). */
export const DRIFT = { 'petal length (cm)': { shift: 2.5 }, 'sepal width (cm)': { scale: 1.4 } };
const DRIFTED_ROWS = 150;
const ROWS_PER_REQUEST = 25;
const WINDOW_GAP_MS = 200;

/**
 * Step 5: send traffic whose features moved, evaluate drift over exactly that traffic's window,
 * and follow the retraining run the `ModelDriftDetected` event started.
 */
export async function drift(ctx: DemoContext): Promise<void> {
  const { client, ui, names, rows } = ctx;
  ui.step('Drift: traffic from a changed world, the drift report, and the retraining it triggers');
  ui.line(
    `shifting ${Object.entries(DRIFT)
      .map(([f, c]) => `${f} ${'shift' in c ? `+${c.shift}` : `×${(c as { scale: number }).scale}`}`)
      .join(' and ')}`,
  );
  // The window starts between the old traffic and the first drifted request (see below).
  const since = Date.now();
  await sleep(WINDOW_GAP_MS);
  const bar = ui.progress(DRIFTED_ROWS, 'drifted predictions');
  let last = '';
  for (let offset = 0; offset < DRIFTED_ROWS; offset += ROWS_PER_REQUEST) {
    const batch = drifted(take(rows, offset, ROWS_PER_REQUEST), DRIFT);
    const res = await client.post<PredictResponse>(`/v1/endpoints/${seg(names.endpoint)}/predict`, {
      instances: batch.map((r) => r.features),
    });
    last = res.requestId;
    bar.increment(batch.length);
  }
  bar.stop();
  // Reading the last answer back makes the API write its prediction-log buffer out, so the
  // evaluation below sees every drifted row.
  await client.get(`/v1/predictions/${seg(last)}`);

  // The window ends at the server's "now" and reaches back exactly to `since`: it holds the
  // drifted traffic only (the A/B traffic before it was the old world).
  const windowHours = (Date.now() - since) / 3_600_000;
  ui.line(`$ cirrus drift run ${names.endpoint} --window-hours ${windowHours.toFixed(5)}`);
  const report = await client.post<DriftReportView>(`/v1/endpoints/${seg(names.endpoint)}/drift`, {
    windowHours,
  });
  ui.line(driftSummary(report));
  if (report.features.length) ui.line(driftFeaturesTable(report));
  const reportId = report.reportId;
  ctx.summary.drift = {
    reportId,
    status: report.status,
    rows: report.rows,
    driftDetected: report.driftDetected,
    driftedFeatures: report.features.filter((f) => f.drifted).map((f) => f.name),
    shifted: Object.keys(DRIFT),
  };
  if (!report.driftDetected || report.event !== 'published') {
    ui.line(
      report.driftDetected
        ? `drift detected, retraining event ${report.event}`
        : 'no drift detected, so nothing retrains',
    );
    return;
  }

  ui.line(
    'ModelDriftDetected → the retraining rule starts the training pipeline with the last request on the latest data:',
  );
  const runId = await awaitTriggeredRun(ctx, reportId);
  const retrained = await followRun(ctx, runId, 'retraining');
  const run = await client.get<ApiRun>(`/v1/runs/${seg(runId)}`);
  ui.line(
    `retraining run ${runId} (${retrained.algorithm}) ${retrained.status}, triggered by ${run.triggeredBy ?? 'an event'}${retrained.version ? `; registered v${retrained.version}, ${retrained.promoted ? 'deployed as champion' : 'not deployed (does not beat the champion)'}` : ''}`,
  );
  ctx.summary.retraining = {
    runId,
    status: retrained.status,
    triggeredBy: run.triggeredBy,
    version: retrained.version,
    promoted: retrained.promoted,
  };
}

/** The run the drift event started: its `triggeredBy` is the report's URI. */
async function awaitTriggeredRun(ctx: DemoContext, reportId: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { runs } = await ctx.client.get<{ runs: ApiRun[] }>(
      `/v1/experiments/${seg(ctx.names.experiment)}/runs`,
    );
    const triggered = runs.find((r) => r.triggeredBy?.includes(reportId));
    if (triggered) return triggered.id;
    await sleep(250);
  }
  throw new DemoError('drift was detected but no retraining run started within 60 s');
}
