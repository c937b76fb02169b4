import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import type { TableNames } from '../../core/deps.js';
import { REPO_ROOT, repoPath } from '../../infra/paths.js';

export type TableRole = keyof TableNames;

/** What a function's code can do with the data, read from its source modules. */
export interface CodeAccess {
  /** Tables the code names (`deps.tables.<role>`), with whether a module naming it sends writes. */
  readonly tables: Partial<Record<TableRole, { readonly write: boolean }>>;
  /** Whether the code sends S3 commands at all, and write commands among them. */
  readonly bucket?: { readonly write: boolean };
  /** Repository-relative modules the roots reach (the esbuild bundle's own inputs). */
  readonly modules: readonly string[];
}

const DDB_WRITE = /^(Put|Update|Delete|BatchWrite|TransactWrite)(Item)?$/;
const S3_WRITE =
  /^(PutObject|CopyObject|DeleteObjects?|CreateMultipartUpload|UploadPart|CompleteMultipartUpload)$/;
const SDK_IMPORT = /import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(@aws-sdk\/[\w-]+)'/g;

/** The SDK commands a module imports for use (not types), by package: `GetObject`, `Put`, ... */
function commandsOf(source: string): { pkg: string; command: string }[] {
  return [...source.matchAll(SDK_IMPORT)].flatMap((m) => {
    if (m[1]) return [];
    return (m[2] ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => !name.startsWith('type ') && /Command\b/.test(name))
      .map((name) => ({
        pkg: m[3] ?? '',
        command: (name.split(/\s+as\s+/)[0] ?? '').replace(/Command$/, ''),
      }));
  });
}

/**
 * Follows every import from `roots` (esbuild's resolution, npm packages left out) and reads each
 * project module for the tables it names and the SDK commands it imports. Module-grained: a
 * module that names a table and imports a write command counts as writing that table.
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
  const tables: Partial<Record<TableRole, { write: boolean }>> = {};
  let bucket: { write: boolean } | undefined;
  for (const module of modules) {
    const source = readFileSync(repoPath(module), 'utf8');
    const commands = commandsOf(source);
    const ddbWrite = commands.some((c) => c.pkg.includes('dynamodb') && DDB_WRITE.test(c.command));
    for (const [, role] of source.matchAll(/\btables\.(tracking|registry|predictions)\b/g)) {
      const key = role as TableRole;
      tables[key] = { write: (tables[key]?.write ?? false) || ddbWrite };
    }
    const s3 = commands.filter((c) => c.pkg === '@aws-sdk/client-s3');
    if (s3.length > 0)
      bucket = { write: (bucket?.write ?? false) || s3.some((c) => S3_WRITE.test(c.command)) };
  }
  return { tables, bucket, modules };
}
