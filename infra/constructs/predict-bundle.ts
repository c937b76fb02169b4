import type { BundleVariant } from './cirrus-function.js';

/**
 * How the predict function is bundled, where its cold start is what a caller waits for
 * (bench/lambda.ts measures it): stack traces readable by their names rather than through a
 * source map decoded at every start, the SDK's credential chain reduced to the environment
 * variables Lambda sets (lambdas/predict-credentials.ts), and onnxruntime-node loaded by
 * `require` (lambdas/predict-ort.ts).
 */
export const PREDICT_BUNDLE: BundleVariant = {
  stackTraces: 'names',
  alias: {
    '@aws-sdk/credential-provider-node': 'lambdas/predict-credentials.ts',
    'onnxruntime-node': 'lambdas/predict-ort.ts',
  },
};
