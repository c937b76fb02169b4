import type { DatasetRecord } from '../../contracts/dataset.js';
import type { PredictionLogRecord } from '../../contracts/serving.js';
import type { Experiment } from '../../contracts/tracking.js';
import { getArtifact } from '../artifacts/index.js';
import { quote } from '../data/write.js';
import { getDataset, registerDataset } from '../datasets/index.js';
import type { CoreDeps } from '../deps.js';
import { queryPredictions } from '../serving/prediction-store.js';

export interface AppendedVersion {
  /** The dataset version the retraining trains on (the new one, or the latest when nothing was appended). */
  readonly dataset: DatasetRecord;
  /** Production rows appended (0: no new ground truth since the last append). */
  readonly rows: number;
}

/**
 * Continuous training's data step: the production rows of the experiment's endpoint that have
 * ground truth (a logged answer plus its feedback) since the last append are appended to the
 * latest version of the dataset, as a new version whose `appended` names its base, endpoint,
 * row count and the feedback it covers. Features come from the logged request, the target
 * column from the feedback; columns the request did not carry are left empty (missing).
 *
 * Reads the endpoint's whole log since the experiment was created (feedback can arrive long after
 * its prediction), filtered by feedback time against the latest version's `feedbackThrough`.
 */
export async function appendProductionRows(
  deps: CoreDeps,
  input: { experiment: Experiment; dataset: string; target: string | undefined; endpoint: string },
): Promise<AppendedVersion> {
  const base = await getDataset(deps, input.dataset, 'latest');
  if (!input.target) return { dataset: base, rows: 0 };
  const since = base.appended?.endpoint === input.endpoint ? base.appended.feedbackThrough : undefined;
  const columns = base.schema.columns.map((c) => c.name);
  const lines: string[] = [];
  let through = since ?? '';
  const records = queryPredictions(deps, {
    endpoint: input.endpoint,
    from: new Date(input.experiment.createdAt),
    to: new Date(deps.now().getTime() + 1),
  });
  for await (const record of records) {
    if (!record.feedbackAt || (since && record.feedbackAt <= since)) continue;
    const rows = labelledRows(record, columns, input.target);
    if (rows.length === 0) continue;
    lines.push(...rows);
    if (record.feedbackAt > through) through = record.feedbackAt;
  }
  if (lines.length === 0) return { dataset: base, rows: 0 };
  const text = new TextDecoder().decode(await getArtifact(deps, { uri: base.uri }));
  const csv = `${text.endsWith('\n') ? text : `${text}\n`}${lines.join('\n')}\n`;
  const dataset = await registerDataset(deps, {
    name: base.name,
    csv,
    description: `continuous training: ${base.name}@${base.version.slice(0, 12)} + ${lines.length} production rows with ground truth from endpoint ${input.endpoint}`,
    appended: { base: base.version, endpoint: input.endpoint, rows: lines.length, feedbackThrough: through },
  });
  return { dataset, rows: lines.length };
}

/** A record's rows as CSV lines in the dataset's column order: logged features, feedback as target. */
function labelledRows(record: PredictionLogRecord, columns: readonly string[], target: string): string[] {
  if (record.shadow || !record.inputs || record.actual === undefined) return [];
  const inputs = record.inputs;
  const actual = record.actual;
  return inputs.flatMap((features, i) => {
    const truth = Array.isArray(actual) ? actual[i] : inputs.length === 1 ? actual : undefined;
    if (truth === undefined || truth === null) return [];
    const row = features as Record<string, unknown>;
    return [columns.map((c) => quote(cell(c === target ? truth : row[c]))).join(',')];
  });
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
