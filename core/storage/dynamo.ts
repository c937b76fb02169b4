import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import type { CoreDeps } from '../deps.js';
import { MalformedRecordError } from '../errors.js';

/** True when a conditional write lost (the caller maps it to ConflictError or ignores it). */
export function isConditionFailed(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/** The items of a query page by page, following LastEvaluatedKey (lazy: a huge range never sits in memory). */
export async function* queryItems(
  deps: CoreDeps,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.ddb.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Every item of a query, following LastEvaluatedKey. */
export async function queryAll(deps: CoreDeps, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const item of queryItems(deps, input)) items.push(item);
  return items;
}

/**
 * Every item filed under `gsi1pk = pk` on the table's `gsi1` index, parsed with `parse`: the
 * "list every model / experiment / endpoint / dataset" queries (eventually consistent, as GSIs are).
 */
export async function listByIndex<T>(
  deps: CoreDeps,
  table: string,
  pk: string,
  parse: (item: Record<string, unknown>) => T,
): Promise<T[]> {
  const items = await queryAll(deps, {
    TableName: table,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
  });
  return items.map(parse);
}

/**
 * Parses a stored item with its record schema (zod objects drop the key attributes). A stored
 * item that does not parse is a bug or a foreign write: fail loudly with the item's key (and
 * the repair path, when the caller has one).
 */
export function parseItem<T extends z.ZodType>(
  schema: T,
  item: Record<string, unknown>,
  repair?: string,
): z.infer<T> {
  const parsed = schema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedRecordError(
      `${String(item.pk)}/${String(item.sk)}`,
      `${issue?.path.join('.')}: ${issue?.message}`,
      repair,
    );
  }
  return parsed.data;
}
