import type { ModelContract, ModelVersionInput } from '../../contracts/registry.js';

const SHA = 'a'.repeat(64);

export function contract(overrides: Partial<ModelContract> = {}): ModelContract {
  return {
    kind: 'cirrus.model-contract',
    schemaVersion: 1,
    task: 'classification',
    algorithm: 'random_forest',
    features: [
      {
        name: 'sepal_length',
        type: 'numeric',
        source: { dataset: 'iris', version: SHA, columns: ['sepal_length'] },
      },
      {
        name: 'petal_width',
        type: 'numeric',
        source: { dataset: 'iris', version: SHA, columns: ['petal_width'] },
      },
    ],
    target: 'species',
    classes: ['setosa', 'versicolor', 'virginica'],
    ...overrides,
  };
}

/** A version input for `model` with the given score; everything else plausible. */
export function versionInput(
  model: string,
  score: number,
  overrides: Partial<ModelVersionInput> = {},
): ModelVersionInput {
  return {
    model,
    runId: `run-${score}`,
    algorithm: 'random_forest',
    hyperparameters: { n_estimators: 50, max_depth: 4 },
    contract: contract(),
    metrics: { accuracy: score },
    score,
    onnxUri: `s3://cirrus-artifacts/models/${model}/versions/x/model.onnx`,
    onnxSha256: SHA,
    baselineUri: `s3://cirrus-artifacts/models/${model}/versions/x/baseline.json`,
    ...overrides,
  };
}
