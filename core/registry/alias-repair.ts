import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type AliasHistoryEntry, AliasHistoryEntrySchema } from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError } from '../errors.js';
import { registryKeys } from '../storage/keys.js';
import { toItem } from '../storage/storable.js';
import { aliasHistoryItems, findAlias } from './aliases.js';
import { getModel } from './models.js';

export interface AliasRepair {
  readonly revision: number;
  /** The fields that were malformed and were filled in. */
  readonly fields: string[];
}

type Shape = typeof AliasHistoryEntrySchema.shape;

/**
 * Rewrites every malformed alias-history entry into one its reader accepts: fields that parse
 * are kept, the others are filled from the neighbouring entries (from/to/at) or a marker
 * (`by: 'unknown'`), and the reason records what was repaired. Entries that parse are untouched.
 * @throws ConflictError when an entry's target version cannot be recovered.
 */
export async function repairAliasHistory(
  deps: CoreDeps,
  input: { model: string; alias: string; by: string },
): Promise<{ repaired: AliasRepair[] }> {
  await getModel(deps, { model: input.model });
  const items = await aliasHistoryItems(deps, input);
  const head = await findAlias(deps, input).catch(() => null);
  const repaired: AliasRepair[] = [];
  let previous: AliasHistoryEntry | undefined;
  for (const [index, item] of items.entries()) {
    if (AliasHistoryEntrySchema.safeParse(item).success) {
      previous = AliasHistoryEntrySchema.parse(item);
      continue;
    }
    const next = items[index + 1];
    const fallback = fillers(deps, input, item, previous, next, head?.version);
    const fields: string[] = [];
    const entry: Record<string, unknown> = {};
    for (const key of Object.keys(AliasHistoryEntrySchema.shape) as (keyof Shape)[]) {
      const ok = AliasHistoryEntrySchema.shape[key].safeParse(item[key]).success;
      if (!ok) fields.push(key);
      entry[key] = ok ? item[key] : fallback[key];
    }
    const note = `[repaired by ${input.by} at ${deps.now().toISOString()}: ${fields.join(', ')}]`;
    entry.reason = `${note} ${typeof entry.reason === 'string' ? entry.reason : ''}`.trim();
    if (entry.to === undefined) {
      throw new ConflictError(
        `alias history ${String(item.pk)}/${String(item.sk)}: its target version cannot be recovered`,
      );
    }
    const fixed = toItem(AliasHistoryEntrySchema, entry);
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.registry,
        Item: { ...registryKeys.aliasLog(input.model, input.alias, fixed.revision), ...fixed },
      }),
    );
    repaired.push({ revision: fixed.revision, fields });
    previous = fixed;
  }
  return { repaired };
}

/** Values for malformed fields, taken from the entry's neighbours where they say it. */
function fillers(
  deps: CoreDeps,
  input: { model: string; alias: string },
  item: Record<string, unknown>,
  previous: AliasHistoryEntry | undefined,
  next: Record<string, unknown> | undefined,
  headVersion: number | undefined,
): Record<keyof Shape, unknown> {
  const revision = Number(String(item.sk).split('#').pop());
  const nextFrom = AliasHistoryEntrySchema.shape.from.safeParse(next?.from);
  return {
    model: input.model,
    alias: input.alias,
    revision,
    from: previous?.to ?? null,
    to: next ? (nextFrom.success ? (nextFrom.data ?? undefined) : undefined) : headVersion,
    at: previous?.at ?? deps.now().toISOString(),
    reason: '',
    policy: 'manual',
    by: 'unknown',
  };
}
