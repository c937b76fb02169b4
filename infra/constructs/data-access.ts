import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { TableNames } from '../../core/deps.js';
import type { ArtifactStore } from './artifact-store.js';
import type { RegistryTables } from './registry-tables.js';

/** The bucket and tables every function is wired to. */
export interface CirrusData {
  readonly store: ArtifactStore;
  readonly tables: RegistryTables;
}

/** DynamoDB actions Cirrus code sends (the IAM names of its lib-dynamodb commands). */
export type TableAction = 'GetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'BatchWriteItem';
/**
 * S3 actions Cirrus code needs. ListBucket goes with every read: without it S3 answers a
 * missing key with 403, not the 404 the code handles.
 */
export type BucketAction = 'GetObject' | 'ListBucket' | 'PutObject';

/** The reads every data-reading function sends. */
export const READ_ITEMS: readonly TableAction[] = ['GetItem', 'Query'];
/** Reads plus the single-item conditional writes the registry and tracking are built on. */
export const WRITE_ITEMS: readonly TableAction[] = [...READ_ITEMS, 'PutItem', 'UpdateItem'];
export const READ_OBJECTS: readonly BucketAction[] = ['GetObject', 'ListBucket'];
export const WRITE_OBJECTS: readonly BucketAction[] = [...READ_OBJECTS, 'PutObject'];

/**
 * What a function's code sends to the data, action by action: the grants are exactly these
 * (tests/infra/iam.checks.ts compares them with the code's own SDK commands).
 */
export interface DataAccess {
  readonly bucket?: readonly BucketAction[];
  readonly tables?: Partial<Record<keyof TableNames, readonly TableAction[]>>;
}

/**
 * The environment `lambdas/env.ts` builds `CoreDeps` from (docs/conventions.md): the bucket and
 * the three tables' real (generated) names.
 */
export function dataEnvironment(data: CirrusData): Record<string, string> {
  return {
    CIRRUS_BUCKET: data.store.bucket.bucketName,
    CIRRUS_TRACKING_TABLE: data.tables.tracking.tableName,
    CIRRUS_REGISTRY_TABLE: data.tables.registry.tableName,
    CIRRUS_PREDICTIONS_TABLE: data.tables.predictions.tableName,
  };
}

/** Grants `grantee` exactly the actions `access` declares: objects of the bucket, tables and their indexes. */
export function grantData(grantee: IGrantable, data: CirrusData, access: DataAccess): void {
  const { bucket } = data.store;
  const objectActions = (access.bucket ?? []).filter((a) => a !== 'ListBucket');
  if (objectActions.length > 0)
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: objectActions.map((a) => `s3:${a}`),
        resources: [bucket.arnForObjects('*')],
      }),
    );
  if (access.bucket?.includes('ListBucket'))
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
  const byRole = data.tables.byRole;
  for (const [role, actions] of Object.entries(access.tables ?? {})) {
    const table = Object.entries(byRole).find(([name]) => name === role)?.[1];
    if (!table) throw new Error(`grantData: unknown table role "${role}"`);
    if (actions.length > 0) table.grant(grantee, ...actions.map((a) => `dynamodb:${a}`));
  }
}

/** Adds the data environment to a function and grants it `access`. */
export function wireData(fn: LambdaFunction, data: CirrusData, access: DataAccess): void {
  for (const [key, value] of Object.entries(dataEnvironment(data))) fn.addEnvironment(key, value);
  grantData(fn, data, access);
}
