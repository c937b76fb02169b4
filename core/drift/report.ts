import type { DriftOptionsInput, DriftReport, DriftWindow } from '../../contracts/drift.js';
import { resolveDriftOptions } from './options.js';

/** The evaluation window ending at `now`: the last `hours` hours. */
export function driftWindow(now: Date, hours: number): DriftWindow {
  const start = new Date(now.getTime() - hours * 3_600_000);
  return { start: start.toISOString(), end: now.toISOString(), hours };
}

export interface ReportHeader {
  readonly endpoint: string;
  readonly model: string;
  /** The serving version; null when the endpoint serves nothing the caller could resolve. */
  readonly version: number | null;
  readonly window: DriftWindow;
}

function emptyReport(
  header: ReportHeader,
  status: DriftReport['status'],
  message: string,
  rows: number,
  minRows: number,
  driftShareThreshold: number,
): DriftReport {
  return {
    kind: 'cirrus.drift-report',
    schemaVersion: 1,
    ...header,
    status,
    message,
    rows,
    minRows,
    features: [],
    prediction: null,
    performance: null,
    driftedFeatures: 0,
    share: 0,
    driftShareThreshold,
    datasetDrift: false,
    driftDetected: false,
  };
}

/** Too few logged rows in the window: a report, not an error, naming the minimum. */
export function notEnoughDataReport(
  header: ReportHeader,
  rows: number,
  minRows: number,
  driftShareThreshold: number,
): DriftReport {
  const message =
    `not enough data: ${rows} logged row${rows === 1 ? '' : 's'} between ${header.window.start} and ` +
    `${header.window.end}; drift evaluation needs at least ${minRows}`;
  return emptyReport(header, 'not_enough_data', message, rows, minRows, driftShareThreshold);
}

/** The serving version has no baseline profile (e.g. registered before profiles existed). */
export function noBaselineReport(header: ReportHeader, options?: DriftOptionsInput): DriftReport {
  const { minRows, driftShare } = resolveDriftOptions(options);
  const which = header.version === null ? 'no serving version' : `version ${header.version}`;
  const message = `no baseline: model '${header.model}' ${which} has no baseline profile to compare endpoint '${header.endpoint}' with`;
  return emptyReport(header, 'no_baseline', message, 0, minRows, driftShare);
}
