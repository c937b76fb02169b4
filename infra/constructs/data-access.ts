import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { TableNames } from '../../core/deps.js';
import type { ArtifactStore } from './artifact-store.js';
import type { RegistryTables } from './registry-tables.js';

/** The bucket and tables every function is wired to. */
export interface CirrusData {
  readonly store: ArtifactStore;
  readonly tables: RegistryTables;
}

export type AccessLevel = 'read' | 'readWrite';

/** What a function's code does with the data: the grants follow from it. */
export interface DataAccess {
  readonly bucket?: AccessLevel;
  readonly tables?: Partial<Record<keyof TableNames, AccessLevel>>;
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

/** Grants `grantee` exactly the data access it declares, through the constructs' `grant*` calls. */
export function grantData(grantee: IGrantable, data: CirrusData, access: DataAccess): void {
  if (access.bucket === 'read') data.store.bucket.grantRead(grantee);
  if (access.bucket === 'readWrite') data.store.bucket.grantReadWrite(grantee);
  const byRole = data.tables.byRole;
  for (const [role, level] of Object.entries(access.tables ?? {})) {
    const table = Object.entries(byRole).find(([name]) => name === role)?.[1];
    if (!table) throw new Error(`grantData: unknown table role "${role}"`);
    if (level === 'read') table.grantReadData(grantee);
    if (level === 'readWrite') table.grantReadWriteData(grantee);
  }
}

/** Adds the data environment to a function and grants it `access`. */
export function wireData(fn: LambdaFunction, data: CirrusData, access: DataAccess): void {
  for (const [key, value] of Object.entries(dataEnvironment(data))) fn.addEnvironment(key, value);
  grantData(fn, data, access);
}
