export { type EvaluateDriftInput, evaluateDrift, type LoggedRows } from './evaluate.js';
export { categoricalFeatureDrift, numericFeatureDrift } from './feature-drift.js';
export { resolveDriftOptions } from './options.js';
export { parseBaselineProfile } from './parse.js';
export { PerformanceWindow } from './performance.js';
export {
  BaselineProfileBuilder,
  type BaselineProfileOptions,
  type BuildBaselineProfileInput,
  buildBaselineProfile,
  numericMetrics,
  type ProfileColumn,
} from './profile.js';
export { driftWindow, noBaselineReport, notEnoughDataReport, type ReportHeader } from './report.js';
export { type LogReadStats, recordRows, versionRows } from './logged-rows.js';
export {
  type EndpointDriftOutcome,
  type RunDriftInput,
  runDriftEvaluation,
  runDriftForAllEndpoints,
  servingVersion,
} from './run.js';
export {
  driftReportKey,
  driftReportUri,
  getDriftReport,
  type ListDriftReportsInput,
  listDriftReports,
  newReportId,
} from './store.js';
