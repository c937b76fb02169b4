import type { Command } from 'commander';
import { seg } from '../client.js';
import { clientFor } from '../context.js';
import { historyTable, modelDetail, modelsTable, versionsTable } from '../format/models.js';
import { metricsTable } from '../format/runs.js';
import { emit, kv, say, when } from '../output.js';
import { version } from '../parse.js';
import { registerImportCommand } from './import.js';
import type {
  Alias,
  AliasHistoryEntry,
  ApiModel,
  MalformedItem,
  ModelVersion,
  PromotionResult,
  TrafficView,
} from '../types.js';
import { servingAfterPromotion } from './serving.js';

type ServingAfter = { readonly endpoints?: readonly TrafficView[] };

/** `cirrus models list|show|versions|card|promote|rollback|history|repair`. */
export function registerModelCommands(program: Command): void {
  const models = program.command('models').description('The model registry: versions, aliases, promotion');

  registerImportCommand(models);
  registerModelListCommands(models);
  registerVersionCommands(models);
  registerPromotionCommands(models);
  registerAliasHistoryCommands(models);
}

/** `models list|show`: the registered models. */
function registerModelListCommands(models: Command): void {
  models
    .command('list')
    .description('List registered models with their aliases')
    .addHelpText('after', '\nExamples:\n  $ cirrus models list\n')
    .action(async (_opts: unknown, cmd: Command) => {
      const client = clientFor(cmd);
      const res = await client.get<{ models: ApiModel[] }>('/v1/models');
      // The list holds no aliases: fetch them per model (a handful of models locally).
      const withAliases = await Promise.all(
        res.models.map(async (m) => ({
          ...m,
          aliases:
            m.aliases ??
            (await client.get<{ aliases: Alias[] }>(`/v1/models/${seg(m.name)}/aliases`)).aliases,
        })),
      );
      emit({ models: withAliases }, () =>
        say(withAliases.length ? modelsTable(withAliases) : 'no models yet: train one with `cirrus train`'),
      );
    });

  models
    .command('show')
    .description('Show a model, its aliases and versions')
    .argument('<model>')
    .addHelpText('after', '\nExamples:\n  $ cirrus models show iris\n')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const client = clientFor(cmd);
      const model = await client.get<ApiModel>(`/v1/models/${seg(name)}`);
      const { versions } = await client.get<{ versions: ModelVersion[] }>(`/v1/models/${seg(name)}/versions`);
      emit({ ...model, versions }, () => {
        say(modelDetail(model));
        say(versionsTable(versions, model.aliases));
      });
    });
}

/** `models versions|version|card`: one model's versions and their cards. */
function registerVersionCommands(models: Command): void {
  models
    .command('versions')
    .description('List the versions of a model')
    .argument('<model>')
    .addHelpText('after', '\nExamples:\n  $ cirrus models versions iris\n')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const client = clientFor(cmd);
      const res = await client.get<{ versions: ModelVersion[] }>(`/v1/models/${seg(name)}/versions`);
      const { aliases } = await client.get<{ aliases: Alias[] }>(`/v1/models/${seg(name)}/aliases`);
      emit(res, () => say(versionsTable(res.versions, aliases)));
    });

  models
    .command('version')
    .description('Show one model version: algorithm, metrics, artifacts, lineage')
    .addHelpText('after', '\nExamples:\n  $ cirrus models version iris 2\n')
    .argument('<model>')
    .argument('<version>', 'version number', version)
    .action(async (name: string, v: number, _opts: unknown, cmd: Command) => {
      const mv = await clientFor(cmd).get<ModelVersion>(`/v1/models/${seg(name)}/versions/${v}`);
      emit(mv, () => {
        say(
          kv({
            model: mv.model,
            version: `${mv.version} (${mv.versionLabel})`,
            algorithm: mv.algorithm,
            score: mv.score,
            status: mv.status,
            run: mv.runId,
            onnx: mv.onnxUri,
            sha256: mv.onnxSha256,
            features: mv.contract.features.map((f) => f.name),
            target: mv.contract.target,
            ...(mv.contract.classes ? { classes: mv.contract.classes } : {}),
            created: when(mv.createdAt),
          }),
        );
        say(metricsTable(mv.metrics));
      });
    });

  models
    .command('card')
    .description("Print a version's model card (OpenMetadata MlModel shape)")
    .argument('<model>')
    .argument('<version>', 'version number', version)
    .addHelpText('after', '\nExamples:\n  $ cirrus models card iris 2\n')
    .action(async (name: string, v: number, _opts: unknown, cmd: Command) => {
      const card = await clientFor(cmd).get<Record<string, unknown>>(
        `/v1/models/${seg(name)}/versions/${v}/card`,
      );
      // A card is a document: JSON is its readable form too.
      process.stdout.write(`${JSON.stringify(card, null, 2)}\n`);
    });
}

/** `models promote|rollback`: moving an alias (and what the endpoints serve after). */
function registerPromotionCommands(models: Command): void {
  models
    .command('promote')
    .description('Point an alias (default champion) at a version — a manual promotion')
    .argument('<model>')
    .argument('<version>', 'version number', version)
    .option('--alias <alias>', 'alias to move', 'champion')
    .option('--reason <text>', 'why (kept in the alias history)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus models promote iris 3\n  $ cirrus models promote iris 4 --alias challenger --reason "try the deeper forest"\n',
    )
    .action(async (name: string, v: number, opts: { alias: string; reason?: string }, cmd: Command) => {
      const alias = await clientFor(cmd).put<Alias & ServingAfter>(
        `/v1/models/${seg(name)}/aliases/${seg(opts.alias)}`,
        { version: v, ...(opts.reason ? { reason: opts.reason } : {}) },
      );
      emit(alias, () => {
        say(`${name}: ${alias.alias} → v${alias.version} (revision ${alias.revision})`);
        if (alias.alias === 'champion')
          for (const note of servingAfterPromotion(alias.endpoints ?? [])) say(note);
      });
    });

  models
    .command('rollback')
    .description('Move champion back to the previous champion')
    .argument('<model>')
    .addHelpText('after', '\nExamples:\n  $ cirrus models rollback iris\n')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const res = await clientFor(cmd).post<PromotionResult & ServingAfter>(
        `/v1/models/${seg(name)}/rollback`,
        {},
      );
      emit(res, () => {
        say(
          res.promoted
            ? `${name}: champion v${res.previousChampion} → v${res.champion} (${res.reason})`
            : `${name}: nothing rolled back (${res.reason})`,
        );
        for (const note of servingAfterPromotion(res.endpoints ?? [])) say(note);
      });
    });
}

/** `models history|repair`: reading and repairing an alias's history. */
function registerAliasHistoryCommands(models: Command): void {
  models
    .command('history')
    .description('Every move of an alias: from, to, when, who, why')
    .argument('<model>')
    .option('--alias <alias>', 'alias', 'champion')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus models history iris\n  $ cirrus models history iris --alias challenger\n',
    )
    .action(async (name: string, opts: { alias: string }, cmd: Command) => {
      const res = await clientFor(cmd).get<{ history: AliasHistoryEntry[]; malformed?: MalformedItem[] }>(
        `/v1/models/${seg(name)}/aliases/${seg(opts.alias)}/history`,
      );
      emit(res, () => {
        say(res.history.length ? historyTable(res.history) : `alias ${opts.alias} of ${name} never moved`);
        for (const bad of res.malformed ?? []) {
          say(`malformed: ${bad.item} (${bad.problem}); repair: ${bad.repair}`);
        }
      });
    });

  models
    .command('repair')
    .description(
      'Rewrite malformed alias-history entries and rebuild a malformed alias item (named in a MalformedRecord error or by `history`) so the alias reads again',
    )
    .argument('<model>')
    .option('--alias <alias>', 'alias', 'champion')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus models repair iris\n  $ cirrus models repair iris --alias challenger\n',
    )
    .action(async (name: string, opts: { alias: string }, cmd: Command) => {
      const res = await clientFor(cmd).post<AliasRepairResult>(
        `/v1/models/${seg(name)}/aliases/${seg(opts.alias)}/repair`,
        { by: 'cli' },
      );
      emit(res, () => say(repairLines(name, opts.alias, res).join('\n')));
    });
}

interface AliasRepairResult {
  readonly repaired: { revision: number; fields: string[] }[];
  readonly head?: { item: string; fields: string[]; version: number | null };
}

/** One line per repaired history entry and for a rebuilt alias item; one line when all was well. */
function repairLines(model: string, alias: string, res: AliasRepairResult): string[] {
  const label = `${model}@${alias}`;
  const lines = res.repaired.map((r) => `${label} revision ${r.revision}: repaired ${r.fields.join(', ')}`);
  if (res.head) {
    const now = res.head.version === null ? 'unset' : `v${res.head.version}`;
    lines.push(
      `${label} alias item ${res.head.item}: rebuilt (malformed ${res.head.fields.join(', ')}); now ${now}`,
    );
  }
  return lines.length ? lines : [`${label}: history and alias item are well-formed, nothing to repair`];
}
