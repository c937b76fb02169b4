/**
 * The trainer as one ESM file, the way training/Dockerfile builds it: esbuild bundles
 * training/main.ts with its pure-JS dependencies (zod, csv-parse, protobufjs, ml-matrix), so
 * the image needs Node.js and this file, no node_modules.
 *   node --import tsx training/bundle.ts OUTDIR   -> OUTDIR/trainer.mjs
 */
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const TRAINER_BUNDLE_FILE = 'trainer.mjs';

// CommonJS dependencies bundled into ESM still call require.
const REQUIRE_BANNER =
  "import { createRequire as __cirrusCreateRequire } from 'node:module'; const require = __cirrusCreateRequire(import.meta.url);";

/** esbuild options of the trainer bundle; `outdir` receives trainer.mjs. */
export function trainerBundleOptions(outdir: string): BuildOptions {
  return {
    entryPoints: { trainer: fileURLToPath(new URL('./main.ts', import.meta.url)) },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: REQUIRE_BANNER },
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** Writes OUTDIR/trainer.mjs. */
export async function bundleTrainer(outdir: string): Promise<string> {
  await build(trainerBundleOptions(outdir));
  return `${outdir}/${TRAINER_BUNDLE_FILE}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outdir = process.argv[2];
  if (!outdir) throw new Error('usage: node --import tsx training/bundle.ts OUTDIR');
  console.log(await bundleTrainer(outdir));
}
