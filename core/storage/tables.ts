import type { TableNames } from '../deps.js';

/**
 * The one definition of Cirrus's DynamoDB tables. `infra/` turns it into `dynamodb.TableV2`
 * resources and `local/` into `CreateTable` calls against the emulator, so the key schema and
 * indexes cannot drift apart. Every table is a single-table design with string keys `pk`/`sk`
 * and one generic index `gsi1` (`gsi1pk`/`gsi1sk`).
 */
export interface TableDefinition {
  readonly role: keyof TableNames;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly { name: string; partitionKey: string; sortKey: string }[];
  /** Attribute holding an epoch-seconds expiry, where the table expires items. */
  readonly ttlAttribute?: string;
}

const gsi1 = { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;

export const TABLE_DEFINITIONS: readonly TableDefinition[] = [
  { role: 'tracking', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1] },
  { role: 'registry', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1] },
  { role: 'predictions', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1], ttlAttribute: 'expiresAt' },
];
