import type { BatchFormat } from '../../contracts/batch.js';
import type { ModelContract } from '../../contracts/model-contract.js';
import type { FeatureRow, Prediction } from '../../contracts/serving.js';
import { parseNumberCell } from '../data/infer.js';

/**
 * One input item as the API would receive it: CSV items are strings (Step Functions reads every
 * CSV cell as a string), so numeric features are parsed ('' is missing); JSON Lines values pass
 * as they are. Columns that are not features (a key, the target) are left out. A cell that cannot
 * be a number is kept as the string, so serving's own validation names the field and the rule.
 */
export function featureRow(
  contract: ModelContract,
  values: Record<string, unknown>,
  csv: boolean,
): FeatureRow {
  const row: FeatureRow = {};
  for (const f of contract.features) {
    if (!Object.hasOwn(values, f.name)) continue; // serving reports the missing feature
    const v = values[f.name];
    if (csv && typeof v === 'string' && f.type === 'numeric')
      row[f.name] = v.trim() === '' ? null : (parseNumberCell(v) ?? v);
    else row[f.name] = v;
  }
  return row;
}

/** Output columns for a contract (CSV header); JSON Lines uses the same names as keys. */
export function outputColumns(contract: ModelContract): string[] {
  const classes = contract.task === 'classification' ? (contract.classes ?? []) : [];
  const middle =
    contract.task === 'classification'
      ? ['label', ...classes.map((c) => `prob_${c}`)]
      : contract.task === 'regression'
        ? ['value']
        : ['cluster'];
  return ['key', ...middle, 'model', 'version'];
}

/** One output line (no newline) for a scored row. */
export function outputLine(
  contract: ModelContract,
  format: BatchFormat,
  key: string | number,
  p: Prediction,
  model: string,
  version: number,
): string {
  return lineFormatter(contract, format, model, version)(key, p);
}

/**
 * The output line writer for one batch (model, version and format fixed): the same lines as
 * `outputLine`, with the constant tail and the class cells quoted once per batch, not per row.
 */
export function lineFormatter(
  contract: ModelContract,
  format: BatchFormat,
  model: string,
  version: number,
): (key: string | number, p: Prediction) => string {
  if (format === 'jsonl') return (key, p) => jsonLine(key, p, model, version);
  const tail = csvTail(model, version);
  const classes = contract.classes ?? [];
  const cell = (v: string | number | undefined) =>
    v === undefined ? '' : typeof v === 'number' ? String(v) : csvCell(v);
  if (contract.task === 'classification') {
    return (key, p) => {
      let line = `${cell(key)},${cell(p.label)}`;
      for (const c of classes) line += `,${cell(p.probabilities?.[c])}`;
      return line + tail;
    };
  }
  if (contract.task === 'regression') return (key, p) => `${cell(key)},${cell(p.value)}${tail}`;
  return (key, p) => `${cell(key)},${cell(p.cluster)}${tail}`;
}

function jsonLine(key: string | number, p: Prediction, model: string, version: number): string {
  const record: Record<string, unknown> = { key };
  if (p.label !== undefined) record.label = p.label;
  if (p.probabilities !== undefined) record.probabilities = p.probabilities;
  if (p.value !== undefined) record.value = p.value;
  if (p.cluster !== undefined) record.cluster = p.cluster;
  record.model = model;
  record.version = version;
  return JSON.stringify(record);
}

/** The constant end of every CSV output line of a batch: model and version cells. */
export function csvTail(model: string, version: number): string {
  return `,${csvCell(model)},${csvCell(version)}`;
}

export function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
