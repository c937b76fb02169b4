import { kv, short, table, when } from '../output.js';
import type { AlgorithmView, DatasetRecord } from '../types.js';

export function datasetsTable(datasets: readonly DatasetRecord[]): string {
  return table(
    ['dataset', 'version', 'rows', 'columns', 'bytes', 'created'],
    datasets.map((d) => [
      d.name,
      short(d.version),
      d.rowCount,
      d.schema?.columns?.length ?? '',
      d.bytes,
      when(d.createdAt),
    ]),
  );
}

export function datasetDetail(d: DatasetRecord): string {
  const head = kv({
    dataset: d.name,
    version: d.version,
    rows: d.rowCount,
    bytes: d.bytes,
    uri: d.uri,
    created: when(d.createdAt),
    description: d.description,
  });
  const cols = table(
    ['column', 'type'],
    (d.schema?.columns ?? []).map((c) => [c.name, c.type]),
  );
  return `${head}\n${cols}`;
}

/** Hyperparameter names (with defaults when the API gives them). */
export function hyperparameterText(hp: unknown): string {
  if (!hp) return '';
  if (Array.isArray(hp))
    return hp
      .map((p) =>
        typeof p === 'object' && p && 'name' in p
          ? `${(p as { name: string }).name}${'default' in p ? `=${JSON.stringify((p as { default: unknown }).default)}` : ''}`
          : String(p),
      )
      .join(', ');
  if (typeof hp === 'object') {
    const props =
      (hp as { properties?: Record<string, { default?: unknown }> }).properties ??
      (hp as Record<string, unknown>);
    return Object.entries(props)
      .map(([k, v]) =>
        v && typeof v === 'object' && 'default' in v
          ? `${k}=${JSON.stringify((v as { default: unknown }).default)}`
          : k,
      )
      .join(', ');
  }
  return String(hp);
}

export function algorithmsTable(algorithms: readonly AlgorithmView[]): string {
  return table(
    ['algorithm', 'tasks', 'description', 'hyperparameters'],
    algorithms.map((a) => [a.name, a.tasks.join(', '), a.description, hyperparameterText(a.hyperparameters)]),
    { widths: [24, 16, 48, 48] },
  );
}
