import { describe, expect, it } from 'vitest';
import { TREES } from '../../training/algorithms/trees/index.js';
import type { Algorithm, FitData } from '../../training/algorithms/types.js';
import { labelMismatches, loadDataset, maxRelDiff, runOnnx } from './helpers.js';

const DATASETS = ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes'] as const;

/** Parity does not depend on ensemble size: small ensembles keep the suite fast. */
const SMALL: Record<string, Record<string, number>> = {
  decision_tree: {},
  random_forest: { n_estimators: 15 },
  extra_trees: { n_estimators: 15 },
  bagging: { n_estimators: 5 },
  ada_boost: { n_estimators: 15 },
  gradient_boosting: { max_iter: 15 },
};

async function expectParity(alg: Algorithm, data: FitData, raw: Record<string, number>): Promise<void> {
  const model = alg.fit(data, alg.params.parse(raw));
  const ours = model.predict(data.X);
  const onnx = await runOnnx(model, data.X, data.nClasses);
  if (data.task === 'classification') {
    expect(labelMismatches(ours.labels!, onnx.label!)).toEqual([]);
    expect(maxRelDiff(ours.probabilities!, onnx.probabilities!)).toBeLessThanOrEqual(1e-5);
  } else {
    expect(maxRelDiff(ours.values!, onnx.variable!)).toBeLessThanOrEqual(1e-5);
  }
}

describe('tree models: trainer predictions equal onnxruntime-node on the exported graph', () => {
  for (const name of DATASETS) {
    const data = loadDataset(name, 3);
    for (const alg of TREES.filter((a) => a.tasks.includes(data.task))) {
      it(`${alg.name} on ${name}`, async () => {
        await expectParity(alg, data, SMALL[alg.name] ?? {});
      });
    }
  }

  it('random_forest at full size (100 trees) on breast_cancer', async () => {
    await expectParity(TREES.find((a) => a.name === 'random_forest')!, loadDataset('breast_cancer', 1), {});
  });

  it('gradient_boosting at full size (100 iterations) on wine and diabetes', async () => {
    const gbm = TREES.find((a) => a.name === 'gradient_boosting')!;
    await expectParity(gbm, loadDataset('wine', 1), {});
    await expectParity(gbm, loadDataset('diabetes', 1), {});
  });
});
