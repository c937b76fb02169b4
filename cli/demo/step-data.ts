import { table, short } from '../output.js';
import type { DatasetRecord } from '../types.js';
import type { DemoContext } from './context.js';

/** Step 1: register the built-in iris dataset (versioned by its sha256, schema inferred). */
export async function loadData(ctx: DemoContext): Promise<void> {
  const { client, ui, names } = ctx;
  ui.step(`Load data: the built-in ${names.dataset} dataset`);
  ui.line(`$ cirrus datasets load ${names.dataset}`);
  const record = await client.post<DatasetRecord>('/v1/datasets', { name: names.dataset, builtin: 'iris' });
  ui.line(`${record.name}@${short(record.version)}: ${record.rowCount} rows, schema inferred:`);
  ui.line(
    table(
      ['column', 'type'],
      (record.schema?.columns ?? []).map((c) => [c.name, c.type]),
    ),
  );
  ctx.summary.dataset = { name: record.name, version: record.version, rows: record.rowCount };
}
