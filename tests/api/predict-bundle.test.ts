import { createRequire } from 'node:module';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../infra/constructs/cirrus-function.js';
import { PREDICT_BUNDLE } from '../../infra/constructs/predict-bundle.js';
import { LAMBDA_ENTRIES } from '../../infra/entries.js';
import * as ortStandIn from '../../lambdas/predict-ort.js';

// The predict function's cold start evaluates every module of its bundle, and zod builds each
// schema a module declares: what the function never uses must stay out of its import graph.

/** The predict function's bundle, built as infra builds it: its metafile and index.mjs's text. */
async function predictBundle(): Promise<{ meta: Metafile; text: string }> {
  const result = await build({
    ...lambdaBuildOptions(LAMBDA_ENTRIES.predict, 'predict-check/index.mjs', PREDICT_BUNDLE),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const index = result.outputFiles.find((f) => f.path.endsWith('index.mjs'));
  return { meta: result.metafile, text: index?.text ?? '' };
}

describe('predict function bundle', () => {
  let meta: Metafile;
  let text: string;
  beforeAll(async () => {
    ({ meta, text } = await predictBundle());
  });

  it('makes zod jitless before the first contract schema is built (lambdas/predict-zod.ts)', () => {
    const jitless = text.indexOf('config({jitless:');
    // The first `<Name>Schema=<zod builder>(` in module order: a contract's schema being built.
    const firstSchema = /\b\w+Schema=(\w+\.)?(object|string|enum|array|union|record|number)\(/.exec(text);
    expect(jitless).toBeGreaterThan(0);
    expect(firstSchema?.index).toBeGreaterThan(jitless);
  });

  it('holds the endpoint and predict-body contracts, not the rest of serving.ts or the import schemas', () => {
    const inputs = Object.keys(meta.inputs).filter((path) => !path.includes('node_modules'));
    expect(inputs).toContain('contracts/endpoint.ts');
    expect(inputs).toContain('contracts/predict-body.ts');
    // A/B tests, feedback, the log record: built by the API and log-ingest functions only.
    expect(inputs).not.toContain('contracts/serving.ts');
    expect(inputs).not.toContain('core/serving/parse-log-line.ts');
    // A version's lineage schema (model-source.ts) without the import request schemas.
    expect(inputs).toContain('contracts/model-source.ts');
    expect(inputs).not.toContain('contracts/model-import.ts');
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
