import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import type { TableNames } from '../../core/deps.js';
import { REPO_ROOT, repoPath } from '../../infra/paths.js';

export type TableRole = keyof TableNames;

/** What a function's code does with one table or the bucket: the IAM actions its commands need. */
export interface TargetAccess {
  readonly write: boolean;
  /** IAM actions without the service prefix (`GetItem`, `PutObject`, ...), sorted. */
  readonly actions: readonly string[];
}

/** What a function's code can do with the data, read from its source modules. */
export interface CodeAccess {
  /** Tables the code names (`deps.tables.<role>`), with the actions of the modules naming each. */
  readonly tables: Partial<Record<TableRole, TargetAccess>>;
  /** Whether the code sends S3 commands at all, and which actions they need. */
  readonly bucket?: TargetAccess;
  /** SQS actions the code sends (the dead-letter queue is the stack's only queue). */
  readonly queue?: TargetAccess;
  /** Lambda actions the code sends (the dead-letter redrive invokes functions). */
  readonly lambda?: TargetAccess;
  /** Repository-relative modules the roots reach (the esbuild bundle's own inputs). */
  readonly modules: readonly string[];
}

/** lib-dynamodb / client-dynamodb command -> IAM action. */
const DDB_ACTIONS: Record<string, string> = {
  Get: 'GetItem',
  GetItem: 'GetItem',
  Put: 'PutItem',
  PutItem: 'PutItem',
  Update: 'UpdateItem',
  UpdateItem: 'UpdateItem',
  Delete: 'DeleteItem',
  DeleteItem: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchGetItem: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  BatchWriteItem: 'BatchWriteItem',
  TransactWrite: 'TransactWriteItems',
  TransactGet: 'TransactGetItems',
};
/**
 * client-s3 command -> IAM actions. A read also needs ListBucket: without it S3 answers a
 * missing key with 403 instead of the 404 the code handles.
 */
const S3_ACTIONS: Record<string, string[]> = {
  GetObject: ['GetObject', 'ListBucket'],
  HeadObject: ['GetObject', 'ListBucket'],
  PutObject: ['PutObject'],
  CopyObject: ['GetObject', 'ListBucket', 'PutObject'],
  ListObjects: ['ListBucket'],
  ListObjectsV2: ['ListBucket'],
  DeleteObject: ['DeleteObject'],
  DeleteObjects: ['DeleteObject'],
  CreateMultipartUpload: ['PutObject'],
  UploadPart: ['PutObject'],
  CompleteMultipartUpload: ['PutObject'],
  AbortMultipartUpload: ['AbortMultipartUpload'],
};
/** client-sqs and client-lambda command -> IAM action (the ones Cirrus may send). */
const SQS_ACTIONS: Record<string, string> = {
  ReceiveMessage: 'ReceiveMessage',
  DeleteMessage: 'DeleteMessage',
  ChangeMessageVisibility: 'ChangeMessageVisibility',
  SendMessage: 'SendMessage',
};
const LAMBDA_ACTIONS: Record<string, string> = { Invoke: 'InvokeFunction', InvokeAsync: 'InvokeFunction' };
const WRITE_ACTION = /^(Put|Update|Delete|BatchWrite|TransactWrite|Abort)/;

/**
 * Helpers of core/storage/dynamo.ts that send a command on the table their caller names.
 * tests/infra/iam.checks.ts checks this map against the module's exports.
 */
export const DYNAMO_HELPER_ACTIONS: Record<string, string> = { queryAll: 'Query', queryItems: 'Query' };

const SDK_IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(@aws-sdk\/[\w-]+)'/g;
const DYNAMO_HELPER_IMPORT = /import\s+\{([^}]*)\}\s+from\s+'[./]*storage\/dynamo\.js'/g;

const names = (list: string): string[] =>
  list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name && !name.startsWith('type '))
    .map((name) => name.split(/\s+as\s+/)[0] ?? '');

/** The SDK commands a module imports for use (not types), by package: `GetObject`, `Put`, ... */
function commandsOf(source: string): { pkg: string; command: string }[] {
  return [...source.matchAll(SDK_IMPORT)].flatMap((m) => {
    if (m[1]) return [];
    return names(m[2] ?? '')
      .filter((name) => /Command$/.test(name))
      .map((name) => ({ pkg: m[3] ?? '', command: name.replace(/Command$/, '') }));
  });
}

/** DynamoDB actions a module sends: its own commands plus the storage helpers it calls. */
function tableActionsOf(source: string): string[] {
  const own = commandsOf(source)
    .filter((c) => c.pkg.includes('dynamodb'))
    .map((c) => DDB_ACTIONS[c.command] ?? `unmapped:${c.command}`);
  const helpers = [...source.matchAll(DYNAMO_HELPER_IMPORT)].flatMap((m) =>
    names(m[1] ?? '').flatMap((name) => DYNAMO_HELPER_ACTIONS[name] ?? []),
  );
  return [...own, ...helpers];
}

function merge(into: TargetAccess | undefined, actions: readonly string[]): TargetAccess {
  const all = [...new Set([...(into?.actions ?? []), ...actions])].sort();
  return { actions: all, write: all.some((a) => WRITE_ACTION.test(a)) };
}

/**
 * Follows every import from `roots` (esbuild's resolution, npm packages left out) and reads each
 * project module for the tables it names and the SDK commands it sends. Module-grained: a
 * module that names a table is taken to send each of its DynamoDB commands to that table.
 */
export async function codeAccessOf(roots: readonly string[]): Promise<CodeAccess> {
  const result = await build({
    entryPoints: roots.map((root) => repoPath(root)),
    absWorkingDir: REPO_ROOT,
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    platform: 'node',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  });
  const modules = Object.keys(result.metafile.inputs).filter((m) => !m.startsWith('node_modules/'));
  const tables: Partial<Record<TableRole, TargetAccess>> = {};
  let bucket: TargetAccess | undefined;
  let queue: TargetAccess | undefined;
  let lambda: TargetAccess | undefined;
  for (const module of modules) {
    const source = readFileSync(repoPath(module), 'utf8');
    const ddb = tableActionsOf(source);
    for (const [, role] of source.matchAll(/\btables\.(tracking|registry|predictions)\b/g)) {
      const key = role as TableRole;
      tables[key] = merge(tables[key], ddb);
    }
    const s3 = commandsOf(source).filter((c) => c.pkg === '@aws-sdk/client-s3');
    if (s3.length > 0)
      bucket = merge(
        bucket,
        s3.flatMap((c) => S3_ACTIONS[c.command] ?? [`unmapped:${c.command}`]),
      );
    const sqs = commandsOf(source).filter((c) => c.pkg === '@aws-sdk/client-sqs');
    if (sqs.length > 0)
      queue = merge(
        queue,
        sqs.map((c) => SQS_ACTIONS[c.command] ?? `unmapped:${c.command}`),
      );
    const fns = commandsOf(source).filter((c) => c.pkg === '@aws-sdk/client-lambda');
    if (fns.length > 0)
      lambda = merge(
        lambda,
        fns.map((c) => LAMBDA_ACTIONS[c.command] ?? `unmapped:${c.command}`),
      );
  }
  return { tables, bucket, queue, lambda, modules };
}
