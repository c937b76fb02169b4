import { kv, table, when } from '../output.js';
import type { Alias, AliasHistoryEntry, ApiModel, ModelVersion } from '../types.js';

export function modelsTable(models: readonly ApiModel[]): string {
  return table(
    ['model', 'task', 'versions', 'aliases', 'created'],
    models.map((m) => [m.name, m.task, m.latestVersion, aliasText(m.aliases), when(m.createdAt)]),
  );
}

export function aliasText(aliases: readonly Alias[] | undefined): string {
  return (aliases ?? []).map((a) => `${a.alias}=v${a.version}`).join(', ');
}

export function modelDetail(model: ApiModel): string {
  return kv({
    model: model.name,
    task: model.task,
    description: model.description,
    'latest version': model.latestVersion,
    aliases: aliasText(model.aliases) || '(none)',
    created: when(model.createdAt),
  });
}

/** Versions with the aliases that point at each. */
export function versionsTable(versions: readonly ModelVersion[], aliases: readonly Alias[] = []): string {
  return table(
    ['version', 'label', 'algorithm', 'score', 'status', 'aliases', 'run', 'created'],
    versions.map((v) => [
      v.version,
      v.versionLabel,
      v.algorithm,
      v.score,
      v.status,
      aliases
        .filter((a) => a.version === v.version)
        .map((a) => a.alias)
        .join(', '),
      v.runId,
      when(v.createdAt),
    ]),
  );
}

export function historyTable(history: readonly AliasHistoryEntry[]): string {
  return table(
    ['#', 'alias', 'from', 'to', 'policy', 'by', 'at', 'reason'],
    history.map((h) => [
      h.revision,
      h.alias,
      h.from === null ? '-' : `v${h.from}`,
      h.to === null ? 'cleared' : `v${h.to}`,
      h.policy,
      h.by,
      when(h.at),
      clip(h.reason, 90),
    ]),
  );
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
