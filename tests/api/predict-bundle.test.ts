import { createRequire } from 'node:module';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../infra/constructs/cirrus-function.js';
import { PREDICT_BUNDLE } from '../../infra/constructs/predict-bundle.js';
import { LAMBDA_ENTRIES } from '../../infra/entries.js';
import * as ortStandIn from '../../lambdas/predict-ort.js';

// The predict function's cold start evaluates every module of its bundle, and zod builds each
// schema a module declares: what the function never uses must stay out of its import graph.

/** The predict function's bundle, built as infra builds it. */
async function predictBundle(): Promise<Metafile> {
  const result = await build({
    ...lambdaBuildOptions(LAMBDA_ENTRIES.predict, 'predict-check/index.mjs', PREDICT_BUNDLE),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

describe('predict function bundle', () => {
  let meta: Metafile;
  beforeAll(async () => {
    meta = await predictBundle();
  });

  it('holds the endpoint and predict-body contracts, not the rest of serving.ts', () => {
    const inputs = Object.keys(meta.inputs).filter((path) => !path.includes('node_modules'));
    expect(inputs).toContain('contracts/endpoint.ts');
    expect(inputs).toContain('contracts/predict-body.ts');
    // A/B tests, feedback, the log record: built by the API and log-ingest functions only.
    expect(inputs).not.toContain('contracts/serving.ts');
    expect(inputs).not.toContain('core/serving/parse-log-line.ts');
  });

  it('requires onnxruntime-node through the stand-in rather than importing it as an ES module', () => {
    const imports = Object.values(meta.outputs).flatMap((out) => out.imports);
    expect(imports.filter((i) => i.path === 'onnxruntime-node')).toEqual([]);
    expect(Object.keys(meta.inputs)).toContain('lambdas/predict-ort.ts');
  });
});

describe('onnxruntime-node stand-in (lambdas/predict-ort.ts)', () => {
  it("re-exports each of the package's exports, the package's own objects", () => {
    const pkg = createRequire(import.meta.url)('onnxruntime-node') as Record<string, unknown>;
    const standIn = ortStandIn as Record<string, unknown>;
    expect(Object.keys(standIn).sort()).toEqual(Object.keys(pkg).sort());
    for (const name of Object.keys(pkg)) expect(standIn[name], name).toBe(pkg[name]);
  });
});
