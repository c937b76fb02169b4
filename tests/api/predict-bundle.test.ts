import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { lambdaBuildOptions } from '../../infra/constructs/cirrus-function.js';
import { PREDICT_BUNDLE } from '../../infra/constructs/predict-bundle.js';
import { LAMBDA_ENTRIES } from '../../infra/entries.js';

// The predict function's cold start evaluates every module of its bundle, and zod builds each
// schema a module declares: what the function never uses must stay out of its import graph.

/** Repository files in the predict function's bundle, built as infra builds it. */
async function predictBundleInputs(): Promise<string[]> {
  const result = await build({
    ...lambdaBuildOptions(LAMBDA_ENTRIES.predict, 'predict-check/index.mjs', PREDICT_BUNDLE),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules'));
}

describe('predict function bundle', () => {
  it('holds the endpoint and predict-body contracts, not the rest of serving.ts', async () => {
    const inputs = await predictBundleInputs();
    expect(inputs).toContain('contracts/endpoint.ts');
    expect(inputs).toContain('contracts/predict-body.ts');
    // A/B tests, feedback, the log record: built by the API and log-ingest functions only.
    expect(inputs).not.toContain('contracts/serving.ts');
    expect(inputs).not.toContain('core/serving/parse-log-line.ts');
  });
});
