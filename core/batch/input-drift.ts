import type { DriftOptionsInput, LoggedRow, StoredDriftReport } from '../../contracts/drift.js';
import { putJson } from '../artifacts/store.js';
import { parseS3Uri } from '../artifacts/uri.js';
import type { CoreDeps } from '../deps.js';
import { evaluateDrift } from '../drift/evaluate.js';
import { resolveDriftOptions } from '../drift/options.js';
import { noBaselineReport, type ReportHeader } from '../drift/report.js';
import { loadBaseline } from '../drift/run.js';
import { driftReportKey, driftReportUri, newReportId, putDriftSummary, summarize } from '../drift/store.js';
import { ValidationError } from '../errors.js';
import { inputRows } from './input-rows.js';
import { getBatchJob } from './jobs.js';
import { featureRow } from './rows.js';

/** Rows read from a job's input when the caller gives no bound. */
export const BATCH_DRIFT_MAX_ROWS = 50_000;

/**
 * Drift of a batch job's input against its pinned version's baseline, when the user asks: the
 * input's first `maxRows` rows (in the order the job read them) go through the same evaluation as
 * logged predictions (input features only: batch predictions are not logged), and the report is
 * stored under the job's endpoint like any other. Informational: it publishes no
 * ModelDriftDetected, so it never starts a retraining.
 * @throws NotFoundError for an unknown job; ValidationError for a bad `maxRows`.
 */
export async function runBatchInputDrift(
  deps: CoreDeps,
  input: { jobId: string; maxRows?: number; options?: DriftOptionsInput },
): Promise<StoredDriftReport> {
  const maxRows = input.maxRows ?? BATCH_DRIFT_MAX_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > 1_000_000)
    throw new ValidationError('maxRows: must be an integer from 1 to 1,000,000', 'maxRows');
  const job = await getBatchJob(deps, input.jobId);
  const options = resolveDriftOptions(input.options);
  const now = deps.now();
  const end = job.finishedAt ?? now.toISOString();
  const hours = Math.max((Date.parse(end) - Date.parse(job.createdAt)) / 3_600_000, 1 / 3600);
  const header: ReportHeader = {
    endpoint: job.endpoint,
    model: job.model,
    version: job.version,
    window: { start: job.createdAt, end, hours },
  };
  const { record, baseline } = await loadBaseline(deps, job.model, job.version);
  const source = { jobId: job.jobId, input: job.input, rowsRead: 0, maxRows };
  let report;
  if (!baseline || !record) report = noBaselineReport(header, options);
  else {
    const contract = record.contract;
    const csv = job.format === 'csv';
    async function* rows(): AsyncGenerator<LoggedRow> {
      for await (const values of inputRows(deps, parseS3Uri(job.input, 'input'), job.format)) {
        if (source.rowsRead >= maxRows) return;
        source.rowsRead++;
        yield { features: featureRow(contract, values, csv) as LoggedRow['features'], prediction: null };
      }
    }
    report = await evaluateDrift({ ...header, baseline, rows: rows(), options, inputsOnly: true });
  }
  const reportId = newReportId(now);
  const doc = { ...report, batchJob: source, reportId, createdAt: now.toISOString() };
  const reportUri = driftReportUri(deps, job.endpoint, reportId);
  await putJson(deps, { key: driftReportKey(job.endpoint, reportId), value: doc });
  await putDriftSummary(deps, summarize(doc, reportUri, 'none'));
  return { ...doc, reportUri, event: 'none' };
}
