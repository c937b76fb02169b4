import * as z from 'zod';
import type {
  BaselineProfile,
  DriftEventState,
  DriftOptionsInput,
  DriftReport,
  DriftReportDocument,
  StoredDriftReport,
} from '../../contracts/drift.js';
import type { ModelDriftDetectedDetail } from '../../contracts/events.js';
import type { ModelVersion } from '../../contracts/registry.js';
import type { Endpoint } from '../../contracts/serving.js';
import { getJson, putJson } from '../artifacts/store.js';
import type { CoreDeps } from '../deps.js';
import { NotFoundError } from '../errors.js';
import { DETAIL_TYPES } from '../events/rules.js';
import type { EventPublisher } from '../ports.js';
import { findAlias } from '../registry/aliases.js';
import { getModelVersion } from '../registry/versions.js';
import { getEndpoint, listEndpoints } from '../serving/endpoints.js';
import { queryPredictions } from '../serving/prediction-store.js';
import { getRun } from '../tracking/runs.js';
import { evaluateDrift } from './evaluate.js';
import { type LogReadStats, versionRows } from './logged-rows.js';
import { resolveDriftOptions } from './options.js';
import { parseBaselineProfile } from './parse.js';
import { driftWindow, noBaselineReport, type ReportHeader } from './report.js';
import {
  driftReportKey,
  driftReportUri,
  listDriftReports,
  newReportId,
  putDriftSummary,
  summarize,
} from './store.js';

export interface RunDriftInput {
  readonly endpoint: string;
  /** The window: the last `windowHours` hours. @default options.windowHours (24) */
  readonly windowHours?: number;
  readonly options?: DriftOptionsInput;
  /**
   * A second `ModelDriftDetected` for the same model version within this many hours is
   * suppressed: scheduled runs overlap their windows, and the same drifted rows must not start
   * a retraining every hour. @default the window's hours (after that the window holds only new rows)
   */
  readonly cooldownHours?: number;
}

/**
 * The version whose baseline the endpoint's traffic is compared with: the heaviest traffic
 * variant when the endpoint has a config (the champion arm of an A/B test), else the
 * `champion` alias. Null when it serves nothing yet.
 */
export async function servingVersion(deps: CoreDeps, endpoint: Endpoint): Promise<number | null> {
  const variants = endpoint.traffic?.variants;
  if (variants && variants.length > 0) {
    return variants.reduce((best, v) => (v.weight > best.weight ? v : best)).version;
  }
  const champion = await findAlias(deps, { model: endpoint.model, alias: 'champion' });
  return champion?.version ?? null;
}

/** The version record and its baseline; null baseline when it has none (or it is gone from S3). */
export async function loadBaseline(
  deps: CoreDeps,
  model: string,
  version: number | null,
): Promise<{ record: ModelVersion | null; baseline: BaselineProfile | null }> {
  if (version === null) return { record: null, baseline: null };
  const record = await getModelVersion(deps, { model, version });
  if (!record.baselineUri) return { record, baseline: null };
  try {
    const json = await getJson(deps, { uri: record.baselineUri, schema: z.unknown() });
    return { record, baseline: parseBaselineProfile(json) };
  } catch (error) {
    if (error instanceof NotFoundError) return { record, baseline: null };
    throw error;
  }
}

/** Names the records the evaluation could not use, so a thin window explains itself. */
function withSkipped(report: DriftReport, stats: LogReadStats): DriftReport {
  const notes: string[] = [];
  if (stats.otherVersions > 0) notes.push(`${stats.otherVersions} record(s) of other versions`);
  if (stats.truncated > 0) notes.push(`${stats.truncated} record(s) too large to have their rows logged`);
  if (notes.length === 0 || report.status !== 'not_enough_data') return report;
  return { ...report, message: `${report.message ?? ''} (skipped ${notes.join(' and ')})` };
}

/** The experiment a version was trained in (its run's); the model's name when the run is gone. */
async function experimentOf(deps: CoreDeps, record: ModelVersion): Promise<string> {
  try {
    return (await getRun(deps, { runId: record.runId })).experiment;
  } catch (error) {
    if (error instanceof NotFoundError) return record.model;
    throw error;
  }
}

async function publishedRecently(deps: CoreDeps, doc: DriftReportDocument, hours: number): Promise<boolean> {
  const since = new Date(Date.parse(doc.createdAt) - hours * 3_600_000);
  const recent = await listDriftReports(deps, { endpoint: doc.endpoint, since, limit: 1000 });
  return recent.some((r) => r.event === 'published' && r.model === doc.model && r.version === doc.version);
}

/**
 * Evaluates an endpoint's drift over its recent logged predictions against the serving
 * version's baseline, stores the report (JSON in S3, summary in the registry table) and, when
 * drift is found, publishes `ModelDriftDetected` so the retrain rule starts retraining. The
 * window is streamed from the prediction log page by page into the drift sketches.
 *
 * Too few rows or no baseline give a stored report with status `not_enough_data` /
 * `no_baseline` (and the reason), not an error.
 *
 * @throws NotFoundError('endpoint') for an unknown endpoint; ValidationError for bad options.
 *
 * @example
 * const report = await runDriftEvaluation(deps, events, { endpoint: 'iris', windowHours: 6 });
 * if (report.driftDetected) console.log(report.reportUri, report.event);
 */
export async function runDriftEvaluation(
  deps: CoreDeps,
  events: EventPublisher,
  input: RunDriftInput,
): Promise<StoredDriftReport> {
  const options = resolveDriftOptions({
    ...input.options,
    windowHours: input.windowHours ?? input.options?.windowHours,
  });
  const endpoint = await getEndpoint(deps, input.endpoint);
  const now = deps.now();
  const window = driftWindow(now, options.windowHours);
  const version = await servingVersion(deps, endpoint);
  const header: ReportHeader = { endpoint: endpoint.name, model: endpoint.model, version, window };
  const { record, baseline } = await loadBaseline(deps, endpoint.model, version);

  let report: DriftReport;
  if (!baseline || version === null) {
    report = noBaselineReport(header, options);
  } else {
    const stats: LogReadStats = { records: 0, otherVersions: 0, truncated: 0 };
    const records = queryPredictions(deps, {
      endpoint: endpoint.name,
      from: new Date(window.start),
      to: now,
    });
    report = await evaluateDrift({
      ...header,
      baseline,
      rows: versionRows(records, version, stats),
      options,
    });
    report = withSkipped(report, stats);
  }

  const reportId = newReportId(now);
  const doc: DriftReportDocument = { ...report, reportId, createdAt: now.toISOString() };
  const reportUri = driftReportUri(deps, endpoint.name, reportId);
  let event: DriftEventState = 'none';
  if (doc.driftDetected && record) {
    const cooldown = input.cooldownHours ?? options.windowHours;
    event = (await publishedRecently(deps, doc, cooldown)) ? 'suppressed' : 'published';
  }
  await putJson(deps, { key: driftReportKey(endpoint.name, reportId), value: doc });

  let publishError: unknown;
  if (event === 'published' && record) {
    const detail: ModelDriftDetectedDetail = {
      endpoint: endpoint.name,
      model: endpoint.model,
      version: record.version,
      reportUri,
      reportId,
      experiment: await experimentOf(deps, record),
    };
    try {
      await events.publish(DETAIL_TYPES.driftDetected, detail);
    } catch (error) {
      publishError = error;
      event = 'failed';
    }
  }
  await putDriftSummary(deps, summarize(doc, reportUri, event));
  if (publishError) throw publishError;
  return { ...doc, reportUri, event };
}

export interface EndpointDriftOutcome {
  readonly endpoint: string;
  readonly report?: StoredDriftReport;
  /** Why this endpoint's evaluation failed (the others still ran). */
  readonly error?: string;
}

/**
 * The scheduled evaluation: every endpoint in turn, each failure recorded and the rest still
 * evaluated (one broken baseline must not blind the others).
 */
export async function runDriftForAllEndpoints(
  deps: CoreDeps,
  events: EventPublisher,
  input: Omit<RunDriftInput, 'endpoint'> = {},
): Promise<EndpointDriftOutcome[]> {
  const outcomes: EndpointDriftOutcome[] = [];
  for (const endpoint of await listEndpoints(deps)) {
    try {
      outcomes.push({
        endpoint: endpoint.name,
        report: await runDriftEvaluation(deps, events, { ...input, endpoint: endpoint.name }),
      });
    } catch (error) {
      outcomes.push({
        endpoint: endpoint.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return outcomes;
}
