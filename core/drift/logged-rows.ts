import type { LoggedRow } from '../../contracts/drift.js';
import type { PredictionLogRecord } from '../../contracts/serving.js';
import { loggedPrediction } from './prediction-value.js';

/** How the window's records were read: what the evaluation could use and what it had to skip. */
export interface LogReadStats {
  /** Answered records of the evaluated version. */
  records: number;
  /** Records of other versions (before a promotion, other A/B arms): not comparable with this baseline. */
  otherVersions: number;
  /** Records too large to log their rows (`truncated`): counted, not evaluated. */
  truncated: number;
}

/** One record's rows as LoggedRows, in the representation the baseline used (see loggedPrediction). */
export function recordRows(record: PredictionLogRecord): LoggedRow[] {
  const inputs = record.inputs ?? [];
  const outputs = record.outputs ?? [];
  const actual = record.actual;
  const rows: LoggedRow[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const output = outputs[i];
    const row: LoggedRow = {
      // Sketches read values with toNumber/toCategory, which accept anything a request held.
      features: inputs[i] as LoggedRow['features'],
      prediction: output ? loggedPrediction(output) : null,
    };
    // Feedback is one value for a one-row request, one per row for a batch.
    const truth = Array.isArray(actual) ? actual[i] : inputs.length === 1 ? actual : undefined;
    if (truth !== undefined) row.actual = truth;
    rows.push(row);
  }
  return rows;
}

/**
 * The rows of one version's answered records, one batch per record: the prediction store pages
 * the window lazily, so at most a page of records and one record's rows are held at a time.
 */
export async function* versionRows(
  records: AsyncIterable<PredictionLogRecord>,
  version: number,
  stats: LogReadStats,
): AsyncGenerator<LoggedRow[]> {
  for await (const record of records) {
    if (record.error) continue; // a failed request: no rows were answered
    if (record.version !== version) {
      stats.otherVersions++;
      continue;
    }
    stats.records++;
    if (!record.inputs) {
      stats.truncated++;
      continue;
    }
    yield recordRows(record);
  }
}
