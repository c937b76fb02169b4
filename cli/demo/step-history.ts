import { seg } from '../client.js';
import { historyTable, versionsTable } from '../format/models.js';
import { runsTable } from '../format/runs.js';
import type { AliasHistoryEntry, ApiModel, ApiRun, ModelVersion } from '../types.js';
import type { DemoContext } from './context.js';

/** Step 6: what the registry kept: runs, versions with their aliases, every champion move. */
export async function history(ctx: DemoContext): Promise<void> {
  const { client, ui, names } = ctx;
  const m = seg(names.experiment);
  ui.step('History: runs, versions and the champion alias moves');
  const { runs } = await client.get<{ runs: ApiRun[] }>(`/v1/experiments/${m}/runs`);
  ui.line(`$ cirrus runs list --experiment ${names.experiment}`);
  ui.line(runsTable(runs));
  const model = await client.get<ApiModel>(`/v1/models/${m}`);
  const { versions } = await client.get<{ versions: ModelVersion[] }>(`/v1/models/${m}/versions`);
  ui.line(`$ cirrus models versions ${names.experiment}`);
  ui.line(versionsTable(versions, model.aliases));
  const { history: moves } = await client.get<{ history: AliasHistoryEntry[] }>(
    `/v1/models/${m}/aliases/champion/history`,
  );
  ui.line(`$ cirrus models history ${names.experiment}`);
  ui.line(historyTable(moves));
  ctx.summary.history = { runs: runs.length, versions: versions.length, championMoves: moves.length };
}
