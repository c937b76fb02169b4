import { kv, num, table, when } from '../output.js';
import type { DriftReport, DriftReportView, DriftSummary } from '../types.js';

const EVENT_TEXT: Record<string, string> = {
  none: 'none (no drift)',
  published: 'ModelDriftDetected published: retraining starts',
  suppressed: 'suppressed (an event for this version was published recently)',
  failed: 'publishing the event failed',
};

const verdict = (drifted: boolean) => (drifted ? 'DRIFT' : 'ok');

/** YES with every rule that fired (one per line), or no. */
function detected(report: DriftReport): string {
  if (!report.driftDetected) return 'no';
  const by = report.detectedBy ?? [];
  return by.length ? `YES — ${by.join('; ')}` : 'YES';
}

/** Every feature's test, statistic, threshold and verdict (and the prediction's). */
export function driftFeaturesTable(report: DriftReport): string {
  const rows = report.features.map((f) => [
    f.name,
    f.test,
    f.allMissing ? 'all missing' : f.statistic,
    f.pValue ?? '',
    f.threshold,
    f.psi,
    verdict(f.drifted),
  ]);
  if (report.prediction) {
    const p = report.prediction;
    rows.push([
      `(prediction) ${p.name}`,
      p.test,
      p.allMissing ? 'all missing' : p.statistic,
      p.pValue ?? '',
      p.threshold,
      p.psi,
      verdict(p.drifted),
    ]);
  }
  return table(['feature', 'test', 'statistic', 'p-value', 'threshold', 'psi', 'verdict'], rows);
}

export function driftSummary(report: DriftReportView): string {
  const perf = report.performance;
  return kv({
    report: report.reportId,
    endpoint: report.endpoint,
    model: `${report.model}${report.version ? ` v${report.version}` : ''}`,
    window: `${when(report.window.start)} → ${when(report.window.end)} (${num(report.window.hours)} h)`,
    status: report.status,
    message: report.message,
    rows: report.rows,
    'drifted features': `${report.driftedFeatures}/${report.features.length} (share ${num(report.share)}, threshold ${num(report.driftShareThreshold)})`,
    'dataset drift': `${report.datasetDrift ? 'yes' : 'no'} (Evidently's share rule; reported, not a trigger)`,
    performance: perf
      ? `${perf.metric} ${num(perf.baseline)} at training, ${perf.current === null ? `n/a (${perf.rows} labelled rows)` : num(perf.current)} now${perf.drifted ? ' — DRIFT' : ''}`
      : undefined,
    'drift detected': detected(report),
    rule: report.rule,
    event: EVENT_TEXT[report.event] ?? report.event,
    stored: report.reportUri,
  });
}

export function driftReport(report: DriftReportView): string {
  return report.features.length
    ? `${driftSummary(report)}\n${driftFeaturesTable(report)}`
    : driftSummary(report);
}

export function driftReportsTable(reports: readonly DriftSummary[]): string {
  return table(
    ['report', 'at', 'version', 'status', 'rows', 'drifted', 'drift detected', 'event'],
    reports.map((r) => [
      r.reportId,
      when(r.createdAt),
      r.version ?? '',
      r.status,
      r.rows,
      `${r.driftedFeatures}/${r.features}`,
      r.driftDetected ? 'yes' : 'no',
      r.event,
    ]),
  );
}
