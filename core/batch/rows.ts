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
  if (format === 'jsonl') {
    const record: Record<string, unknown> = { key };
    if (p.label !== undefined) record.label = p.label;
    if (p.probabilities !== undefined) record.probabilities = p.probabilities;
    if (p.value !== undefined) record.value = p.value;
    if (p.cluster !== undefined) record.cluster = p.cluster;
    record.model = model;
    record.version = version;
    return JSON.stringify(record);
  }
  const cells: (string | number)[] = [key];
  if (contract.task === 'classification') {
    cells.push(p.label ?? '');
    for (const c of contract.classes ?? []) cells.push(p.probabilities?.[c] ?? '');
  } else if (contract.task === 'regression') cells.push(p.value ?? '');
  else cells.push(p.cluster ?? '');
  cells.push(model, version);
  return cells.map(csvCell).join(',');
}

export function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
