import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The platform Lambda runs the functions on (the functions are x86_64). */
export const LAYER_PLATFORM = { platform: 'linux', arch: 'x64' } as const;

/** Where a Node.js layer's packages must sit for the runtime to resolve them. */
export const LAYER_MODULES_DIR = join('nodejs', 'node_modules');

export interface OnnxRuntimeLayerOptions {
  /** Directory holding the installed `onnxruntime-node` package. @default - resolved from this file */
  readonly packageDir?: string;
}

/** Directory of an installed package, resolved the way Node would from this repository. */
export function installedPackageDir(name: string, from = import.meta.url): string {
  const require = createRequire(from);
  // Resolve the main file, not `name/package.json`: packages with `exports` may not export it.
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && packageName(manifest) === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`${name}: installed, but no package.json named "${name}" above its main file`);
}

function packageName(manifest: string): unknown {
  const pkg: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'name' in pkg ? pkg.name : undefined;
}

/** `onnxruntime-node`'s version, part of the layer's asset hash. */
export function onnxRuntimeVersion(packageDir = installedPackageDir('onnxruntime-node')): string {
  const pkg: unknown = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  if (typeof version !== 'string') throw new Error(`${packageDir}/package.json: no version`);
  return version;
}

/**
 * Writes a Lambda layer tree to `outDir`: `nodejs/node_modules/onnxruntime-node` with only the
 * linux-x64 native binaries (the installed package carries every platform, 288 MB; linux-x64
 * alone is ~45 MB) and its runtime dependency `onnxruntime-common`. The install-time
 * dependencies (adm-zip, global-agent) are left out: they only serve the postinstall script.
 * Needs no network and no Docker: it copies from node_modules.
 */
export function prepareOnnxRuntimeLayer(outDir: string, options: OnnxRuntimeLayerOptions = {}): void {
  const ortDir = options.packageDir ?? installedPackageDir('onnxruntime-node');
  const commonDir = installedPackageDir('onnxruntime-common', join(ortDir, 'package.json'));
  const modules = join(outDir, LAYER_MODULES_DIR);
  const ortOut = join(modules, 'onnxruntime-node');
  rmSync(join(outDir, 'nodejs'), { recursive: true, force: true });
  mkdirSync(ortOut, { recursive: true });

  for (const entry of ['package.json', 'dist', 'LICENSE', 'README.md']) {
    const from = join(ortDir, entry);
    if (existsSync(from)) cpSync(from, join(ortOut, entry), { recursive: true });
  }
  const { platform, arch } = LAYER_PLATFORM;
  const napiDirs = ['napi-v6', 'napi-v3'].filter((v) => existsSync(join(ortDir, 'bin', v, platform, arch)));
  if (napiDirs.length === 0) {
    throw new Error(
      `${ortDir}/bin: no ${platform}/${arch} binaries (was onnxruntime-node installed with its binaries?)`,
    );
  }
  for (const napi of napiDirs) {
    cpSync(join(ortDir, 'bin', napi, platform, arch), join(ortOut, 'bin', napi, platform, arch), {
      recursive: true,
    });
  }
  cpSync(commonDir, join(modules, 'onnxruntime-common'), { recursive: true });
}

// `npx tsx infra/assets/onnx-runtime-layer.ts <outDir>` prepares the layer by hand.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: tsx infra/assets/onnx-runtime-layer.ts <outDir>');
    process.exit(2);
  }
  prepareOnnxRuntimeLayer(outDir);
  console.log(`onnxruntime-node ${onnxRuntimeVersion()} layer (linux-x64) written to ${outDir}`);
}
