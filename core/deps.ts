import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

/** Physical names of the three tables; logical roles are fixed (see `core/storage/tables.ts`). */
export interface TableNames {
  /** Experiments, runs, datasets. */
  readonly tracking: string;
  /** Registered models, versions, aliases, alias history, endpoints, traffic, A/B tests, drift summaries. */
  readonly registry: string;
  /** Prediction log and feedback (TTL). */
  readonly predictions: string;
}

/**
 * Everything `core/` needs from the outside world. Built once per cold start (Lambda) or per
 * process (local runtime), handed to every core function as its first argument. Nothing in
 * `core/` reads environment variables or module globals.
 */
export interface CoreDeps {
  readonly s3: S3Client;
  readonly ddb: DynamoDBDocumentClient;
  /** The artifact store bucket. */
  readonly bucket: string;
  readonly tables: TableNames;
  /** Injected so tests can move time (alias history "as of", drift windows, TTLs). */
  readonly now: () => Date;
}

/** Default table names: used by the local runtime and as CDK's defaults. */
export const DEFAULT_TABLE_NAMES: TableNames = {
  tracking: 'cirrus-tracking',
  registry: 'cirrus-registry',
  predictions: 'cirrus-predictions',
};

export const DEFAULT_BUCKET = 'cirrus-artifacts';
