import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AliasHistoryEntry,
  AliasHistoryEntrySchema,
  AliasSchema,
  VersionNumberSchema,
} from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError } from '../errors.js';
import { registryKeys } from '../storage/keys.js';
import { toItem } from '../storage/storable.js';
import {
  type AliasHead,
  aliasHistoryItems,
  healAliasHead,
  latestEntry,
  readAliasHead,
  setAlias,
} from './aliases.js';
import { getModelVersion } from './versions.js';
import { getModel } from './models.js';

export interface AliasRepair {
  readonly revision: number;
  /** The fields that were malformed and were filled in. */
  readonly fields: string[];
}

/** The current-alias item, when it was malformed and rebuilt from the (repaired) history. */
export interface AliasHeadRepair {
  readonly item: string;
  /** The fields that were malformed. */
  readonly fields: string[];
  /** Where the alias points now (null: unset or cleared). */
  readonly version: number | null;
}

type Shape = typeof AliasHistoryEntrySchema.shape;

/**
 * Rewrites every malformed alias-history entry into one its reader accepts: fields that parse
 * are kept, the others are filled from the neighbouring entries (from/to/at) or a marker
 * (`by: 'unknown'`), and the reason records what was repaired. Entries that parse are untouched.
 * Then a malformed current-alias item is rebuilt from the history's newest entry.
 * @throws ConflictError when an entry's target version cannot be recovered;
 *   MalformedRecordError when a malformed alias item has no history to rebuild it from.
 */
export async function repairAliasHistory(
  deps: CoreDeps,
  input: { model: string; alias: string; by: string },
): Promise<{ repaired: AliasRepair[]; head?: AliasHeadRepair }> {
  await getModel(deps, { model: input.model });
  const repaired = await repairEntries(deps, input);
  const head = await repairHead(deps, input);
  return head ? { repaired, head } : { repaired };
}

/**
 * A malformed alias item with no history: removed, and its version (when it names one that
 * exists) set again through the normal move, so the alias gets a history from here on.
 */
async function replaceOrphanHead(
  deps: CoreDeps,
  input: { model: string; alias: string; by: string },
  head: AliasHead,
): Promise<number | null> {
  await deps.ddb.send(
    new DeleteCommand({
      TableName: deps.tables.registry,
      Key: registryKeys.alias(input.model, input.alias),
      // Never a head a concurrent move has written meanwhile.
      ConditionExpression: 'NOT attribute_type(revision, :number) OR revision <= :revision',
      ExpressionAttributeValues: { ':number': 'N', ':revision': head.revision },
    }),
  );
  const version = VersionNumberSchema.safeParse(head.raw?.version);
  if (!version.success) return null;
  const exists = await getModelVersion(deps, { model: input.model, version: version.data }).then(
    () => true,
    () => false,
  );
  if (!exists) return null;
  const note = `[repaired by ${input.by} at ${deps.now().toISOString()}: malformed alias item without history]`;
  const alias = await setAlias(deps, {
    ...input,
    version: version.data,
    reason: `${note} restored v${version.data}`,
    policy: 'manual',
  });
  return alias.version;
}

/** Rebuilds a malformed current-alias item from the history; undefined when it was well-formed. */
async function repairHead(
  deps: CoreDeps,
  input: { model: string; alias: string; by: string },
): Promise<AliasHeadRepair | undefined> {
  const before: AliasHead = await readAliasHead(deps, input);
  if (!before.malformed) return undefined;
  const version = (await latestEntry(deps, input.model, input.alias))
    ? ((await healAliasHead(deps, input, before))?.version ?? null)
    : await replaceOrphanHead(deps, input, before);
  const fields = Object.keys(AliasSchema.shape).filter(
    (key) => !AliasSchema.shape[key as keyof typeof AliasSchema.shape].safeParse(before.raw?.[key]).success,
  );
  return { item: before.item, fields, version };
}

async function repairEntries(
  deps: CoreDeps,
  input: { model: string; alias: string; by: string },
): Promise<AliasRepair[]> {
  const items = await aliasHistoryItems(deps, input);
  const head = await readAliasHead(deps, input);
  const repaired: AliasRepair[] = [];
  let previous: AliasHistoryEntry | undefined;
  for (const [index, item] of items.entries()) {
    if (AliasHistoryEntrySchema.safeParse(item).success) {
      previous = AliasHistoryEntrySchema.parse(item);
      continue;
    }
    const next = items[index + 1];
    const fallback = fillers(deps, input, item, previous, next, head.alias?.version);
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
  return repaired;
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
