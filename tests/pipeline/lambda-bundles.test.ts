import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { EXTERNAL_MODULES } from '../../infra/constructs/cirrus-function.js';
import { LAMBDA_ENTRIES } from '../../infra/entries.js';

// Only the Evaluate function carries the onnxruntime-node layer: any other pipeline entry that
// imports it (even through a shared module) fails at cold start on AWS with "Cannot find package".
const PIPELINE = ['validate', 'prepare', 'evaluate', 'register', 'applyPolicy', 'markRun'] as const;

/** The pipeline entries whose bundle imports onnxruntime-node, bundled the way infra bundles them. */
async function entriesLoadingOnnx(): Promise<string[]> {
  const result = await build({
    entryPoints: PIPELINE.map((name) => LAMBDA_ENTRIES[name]),
    outdir: 'bundle-check',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    external: EXTERNAL_MODULES,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs)
    .filter((out) => out.imports.some((i) => i.external && i.path === 'onnxruntime-node'))
    .flatMap((out) => (out.entryPoint ? [out.entryPoint] : []));
}

describe('pipeline Lambda bundles', () => {
  it('load onnxruntime-node in Evaluate only', async () => {
    expect(await entriesLoadingOnnx()).toEqual([LAMBDA_ENTRIES.evaluate]);
  });
});
