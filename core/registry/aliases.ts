import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Alias,
  type AliasHistoryEntry,
  AliasHistoryEntrySchema,
  AliasNameSchema,
  type AliasPolicy,
  AliasSchema,
  type MalformedItem,
} from '../../contracts/registry.js';
import type { CoreDeps } from '../deps.js';
import { ConflictError, fromZodError, MalformedRecordError, NotFoundError } from '../errors.js';
import { isConditionFailed, parseItem, queryAll } from '../storage/dynamo.js';
import { toItem } from '../storage/storable.js';
import { registryKeys } from '../storage/keys.js';
import { getModel } from './models.js';
import { getModelVersion } from './versions.js';

export interface SetAliasInput {
  readonly model: string;
  readonly alias: string;
  readonly version: number;
  readonly reason: string;
  readonly policy: AliasPolicy;
  /** Who moved it: a user, `pipeline`, `ab-evaluator`, … */
  readonly by: string;
  /** Move only if the alias points here now (`null` = only if unset); absent = no check. */
  readonly expectedCurrent?: number | null;
}

interface AliasState {
  readonly version: number | null;
  readonly revision: number;
}

/**
 * Points an alias at a version. Protocol (single-item conditional writes, no transactions):
 * 1. read the current revision r; 2. claim history entry r+1 with `attribute_not_exists` —
 * exactly one concurrent mover can; 3. move the alias item conditionally on revision r.
 * The history is the log and the alias item its materialized head: if a mover dies between 2
 * and 3, the next reader rolls the alias forward from the log, so no move is half-done.
 *
 * @throws ConflictError when another move won the race or `expectedCurrent` does not hold.
 * @throws NotFoundError for an unknown model or version.
 */
export async function setAlias(deps: CoreDeps, input: SetAliasInput): Promise<Alias> {
  const aliasName = AliasNameSchema.safeParse(input.alias);
  if (!aliasName.success) throw fromZodError(aliasName.error, 'alias');
  await getModelVersion(deps, { model: input.model, version: input.version });
  const alias = await moveAlias(deps, input, input.version);
  if (input.alias === CHAMPION_ALIAS) await retireChallenger(deps, input, input.version);
  return alias as Alias;
}

/** Claims the next history entry of an alias (to a version, or null to clear it) and applies it. */
async function moveAlias(
  deps: CoreDeps,
  input: Omit<SetAliasInput, 'version'>,
  to: number | null,
): Promise<Alias | null> {
  const state = await readAliasState(deps, input.model, input.alias);
  const label = `${input.model}@${input.alias}`;
  if (input.expectedCurrent !== undefined && input.expectedCurrent !== state.version) {
    throw new ConflictError(
      `alias '${label}' points at ${describe(state.version)}, expected ${describe(input.expectedCurrent)}`,
    );
  }
  const entry: AliasHistoryEntry = toItem(AliasHistoryEntrySchema, {
    model: input.model,
    alias: input.alias,
    revision: state.revision + 1,
    from: state.version,
    to,
    at: deps.now().toISOString(),
    reason: input.reason,
    policy: input.policy,
    by: input.by,
  });
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.registry,
        Item: { ...registryKeys.aliasLog(input.model, input.alias, entry.revision), ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (isConditionFailed(error))
      throw new ConflictError(`alias '${label}' was moved concurrently; re-read and retry`);
    throw error;
  }
  return applyEntry(deps, entry);
}

const CHAMPION_ALIAS = 'champion';
const CHALLENGER_ALIAS = 'challenger';

/**
 * A challenger that became champion is no longer a challenger: the `challenger` alias is cleared
 * when it points at the new champion (recorded in its history). A concurrent move of the
 * challenger wins: it no longer points here.
 */
async function retireChallenger(deps: CoreDeps, move: SetAliasInput, champion: number): Promise<void> {
  const challenger = await findAlias(deps, { model: move.model, alias: CHALLENGER_ALIAS });
  if (challenger?.version !== champion) return;
  try {
    await moveAlias(
      deps,
      {
        ...move,
        alias: CHALLENGER_ALIAS,
        reason: `cleared: v${champion} became ${CHAMPION_ALIAS}`,
        expectedCurrent: champion,
      },
      null,
    );
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

function describe(version: number | null): string {
  return version === null ? 'nothing' : `v${version}`;
}

/**
 * Moves the alias item to a claimed history entry (idempotent; a lost condition means someone
 * else did). A cleared alias keeps its item as a tombstone (`cleared`, no version), so its
 * revision still orders late writers. A set alias is written through its read schema.
 * `healUpTo` rebuilds a malformed item: it may then also replace an item whose revision is not
 * a number, or is at most that revision (a malformed item's own), never a newer move.
 */
async function applyEntry(
  deps: CoreDeps,
  entry: AliasHistoryEntry,
  healUpTo?: number,
): Promise<Alias | null> {
  const head = { model: entry.model, alias: entry.alias, revision: entry.revision, updatedAt: entry.at };
  const alias: Alias | null = entry.to === null ? null : toItem(AliasSchema, { ...head, version: entry.to });
  try {
    await deps.ddb.send(
      new PutCommand({
        TableName: deps.tables.registry,
        Item: { ...registryKeys.alias(entry.model, entry.alias), ...(alias ?? { ...head, cleared: true }) },
        ConditionExpression:
          healUpTo === undefined
            ? 'attribute_not_exists(pk) OR revision < :revision'
            : 'attribute_not_exists(pk) OR revision < :revision OR revision <= :upTo OR NOT attribute_type(revision, :number)',
        ExpressionAttributeValues:
          healUpTo === undefined
            ? { ':revision': entry.revision }
            : { ':revision': entry.revision, ':upTo': healUpTo, ':number': 'N' },
      }),
    );
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  return alias;
}

/** What moving on needs from a history entry; the rest may be malformed without blocking the alias. */
const EntryHeadSchema = AliasHistoryEntrySchema.pick({ model: true, alias: true, revision: true, to: true });

/** How to repair a malformed alias history (named in every error about one). */
export function aliasRepairHint(model: string, alias: string): string {
  return `POST /v1/models/${model}/aliases/${alias}/repair (cirrus models repair ${model} --alias ${alias})`;
}

/** An alias item as read; `malformed` says why its reader's schema rejects it. */
export interface AliasHead {
  /** The item's key, `MODEL#{model}/ALIAS#{alias}`. */
  readonly item: string;
  readonly exists: boolean;
  /** Null when unset, cleared (a tombstone) or malformed. */
  readonly alias: Alias | null;
  /** `field: rule` of the first field the schema rejects. */
  readonly malformed?: string;
  /** The stored revision when it is a positive integer, else 0 (it still orders later moves). */
  readonly revision: number;
  readonly raw?: Record<string, unknown>;
}

/** The current-alias item as stored, without failing on a malformed one. */
export async function readAliasHead(
  deps: CoreDeps,
  input: { model: string; alias: string },
): Promise<AliasHead> {
  const key = registryKeys.alias(input.model, input.alias);
  const item = `${key.pk}/${key.sk}`;
  const { Item } = await deps.ddb.send(
    new GetCommand({ TableName: deps.tables.registry, Key: key, ConsistentRead: true }),
  );
  if (!Item) return { item, exists: false, alias: null, revision: 0 };
  const stored = Item.revision;
  const revision = typeof stored === 'number' && Number.isInteger(stored) && stored > 0 ? stored : 0;
  if (Item.cleared === true) return { item, exists: true, alias: null, revision, raw: Item };
  const parsed = AliasSchema.safeParse(Item);
  if (parsed.success) return { item, exists: true, alias: parsed.data, revision, raw: Item };
  const issue = parsed.error.issues[0];
  const malformed = `${issue?.path.join('.')}: ${issue?.message}`;
  return { item, exists: true, alias: null, malformed, revision, raw: Item };
}

/**
 * Rebuilds a malformed alias item from its history (the log is the truth, the item its
 * materialized head) and answers the alias the history says.
 * @throws MalformedRecordError naming the item and the repair when there is no history to use.
 */
export async function healAliasHead(
  deps: CoreDeps,
  input: { model: string; alias: string },
  head: AliasHead,
): Promise<Alias | null> {
  const entry = await latestEntry(deps, input.model, input.alias);
  if (!entry) {
    throw new MalformedRecordError(
      head.item,
      `${head.malformed ?? 'unknown'} (and the alias has no history to rebuild it from)`,
      aliasRepairHint(input.model, input.alias),
    );
  }
  return applyEntry(deps, entry, Math.max(head.revision, entry.revision));
}

/**
 * The newest history entry, read leniently: an entry whose reason, author or time is malformed
 * still gives its revision and target, so later moves go on; only a missing head is an error.
 */
export async function latestEntry(
  deps: CoreDeps,
  model: string,
  alias: string,
): Promise<AliasHistoryEntry | undefined> {
  const { Items } = await deps.ddb.send(
    new QueryCommand({
      TableName: deps.tables.registry,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': registryKeys.aliasLogPk(model, alias) },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = Items?.[0];
  if (!item) return undefined;
  const full = AliasHistoryEntrySchema.safeParse(item);
  if (full.success) return full.data;
  const head = parseItem(EntryHeadSchema, item, aliasRepairHint(model, alias));
  return { ...head, from: null, at: deps.now().toISOString(), reason: '', policy: 'manual', by: 'unknown' };
}

/**
 * Where the alias points and its revision, from the history. A head behind the history is rolled
 * forward; a malformed head is rebuilt from it.
 */
async function readAliasState(deps: CoreDeps, model: string, alias: string): Promise<AliasState> {
  const entry = await latestEntry(deps, model, alias);
  const head = await readAliasHead(deps, { model, alias });
  if (!entry) return { version: head.alias?.version ?? null, revision: head.revision };
  if (head.malformed) await applyEntry(deps, entry, Math.max(head.revision, entry.revision));
  else if (!head.alias || head.revision < entry.revision) await applyEntry(deps, entry);
  return { version: entry.to, revision: entry.revision };
}

/**
 * Where an alias points now.
 * @throws NotFoundError('model', name) for an unknown model, ('alias', 'model@alias') when unset.
 */
export async function getAlias(deps: CoreDeps, input: { model: string; alias: string }): Promise<Alias> {
  const alias = await findAlias(deps, input);
  if (alias) return alias;
  await getModel(deps, { model: input.model });
  throw new NotFoundError('alias', `${input.model}@${input.alias}`);
}

/** Where an alias points now, or null when unset. */
export async function findAlias(
  deps: CoreDeps,
  input: { model: string; alias: string },
): Promise<Alias | null> {
  const head = await readAliasHead(deps, input);
  return head.malformed ? healAliasHead(deps, input, head) : head.alias;
}

/** Every alias of a model (a malformed alias item is rebuilt from its history). */
export async function listAliases(deps: CoreDeps, input: { model: string }): Promise<Alias[]> {
  const items = await queryAll(deps, {
    TableName: deps.tables.registry,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': registryKeys.modelPk(input.model), ':prefix': 'ALIAS#' },
  });
  const aliases = await Promise.all(
    items.map((item) => {
      if (item.cleared === true) return null;
      const parsed = AliasSchema.safeParse(item);
      if (parsed.success) return parsed.data;
      return findAlias(deps, { model: input.model, alias: String(item.sk).slice('ALIAS#'.length) });
    }),
  );
  return aliases.filter((alias) => alias !== null);
}

/**
 * Every readable move of an alias, oldest first, and the malformed items (history entries and
 * the current-alias item) named beside them: one bad record never hides the rest.
 */
export async function readAliasHistory(
  deps: CoreDeps,
  input: { model: string; alias: string },
): Promise<{ history: AliasHistoryEntry[]; malformed: MalformedItem[] }> {
  const repair = aliasRepairHint(input.model, input.alias);
  const history: AliasHistoryEntry[] = [];
  const malformed: MalformedItem[] = [];
  for (const item of await aliasHistoryItems(deps, input)) {
    const parsed = AliasHistoryEntrySchema.safeParse(item);
    if (parsed.success) history.push(parsed.data);
    else {
      const issue = parsed.error.issues[0];
      const problem = `${issue?.path.join('.')}: ${issue?.message}`;
      malformed.push({ item: `${String(item.pk)}/${String(item.sk)}`, problem, repair });
    }
  }
  const head = await readAliasHead(deps, input);
  if (head.malformed) malformed.push({ item: head.item, problem: head.malformed, repair });
  return { history, malformed };
}

/** Every move of an alias, oldest first. @throws MalformedRecordError naming the item and the repair. */
export async function getAliasHistory(
  deps: CoreDeps,
  input: { model: string; alias: string },
): Promise<AliasHistoryEntry[]> {
  const hint = aliasRepairHint(input.model, input.alias);
  return (await aliasHistoryItems(deps, input)).map((item) => parseItem(AliasHistoryEntrySchema, item, hint));
}

/** The moves as rollback needs them (target and policy), readable even around a malformed entry. */
export async function getAliasMoves(
  deps: CoreDeps,
  input: { model: string; alias: string },
): Promise<Pick<AliasHistoryEntry, 'to' | 'policy'>[]> {
  const hint = aliasRepairHint(input.model, input.alias);
  const MoveSchema = AliasHistoryEntrySchema.pick({ to: true, policy: true });
  return (await aliasHistoryItems(deps, input)).map((item) => parseItem(MoveSchema, item, hint));
}

/** The raw history items, oldest first (the repair reads them as stored). */
export async function aliasHistoryItems(
  deps: CoreDeps,
  input: { model: string; alias: string },
): Promise<Record<string, unknown>[]> {
  return queryAll(deps, {
    TableName: deps.tables.registry,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': registryKeys.aliasLogPk(input.model, input.alias) },
    ConsistentRead: true,
  });
}

/**
 * Which version the alias pointed at, at time `at` ("which version was champion at T"):
 * the last move at or before `at`, in revision order.
 * @throws NotFoundError('alias', 'model@alias at T') when it was not set at that time.
 */
export async function getAliasAt(
  deps: CoreDeps,
  input: { model: string; alias: string; at: Date | string },
): Promise<{ version: number; since: string; entry: AliasHistoryEntry }> {
  const at = new Date(input.at).getTime();
  const history = await getAliasHistory(deps, input);
  const entry = history.findLast((e) => new Date(e.at).getTime() <= at);
  if (!entry || entry.to === null) {
    throw new NotFoundError('alias', `${input.model}@${input.alias} at ${new Date(input.at).toISOString()}`);
  }
  return { version: entry.to, since: entry.at, entry };
}
