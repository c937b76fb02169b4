import { describe, expect, it } from 'vitest';
import { ALGORITHMS, parseHyperparameters } from '../../contracts/algorithms.js';
import { ValidationError } from '../../core/errors.js';
import { KERNEL } from '../../training/algorithms/kernel/index.js';
import { NEIGHBORS } from '../../training/algorithms/neighbors/index.js';
import { kmeans } from '../../training/algorithms/neighbors/kmeans.js';
import { knn } from '../../training/algorithms/neighbors/knn.js';
import type { FitData } from '../../training/algorithms/types.js';

const tiny: FitData = {
  X: { data: Float64Array.from([0, 0, 1, 1, 2, 2]), rows: 3, cols: 2 },
  y: Float64Array.from([0, 1, 0]),
  task: 'classification',
  nClasses: 2,
  seed: 1,
};

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    if (e instanceof ValidationError) return e.field;
    throw e;
  }
  return undefined;
}

describe('k larger than the row count', () => {
  it('rejects n_neighbors above the training rows, naming the field', () => {
    expect(fieldOf(() => knn.fit(tiny, knn.params.parse({ n_neighbors: 4 })))).toBe(
      'hyperparameters.n_neighbors',
    );
  });

  it('rejects n_clusters above the training rows, naming the field', () => {
    expect(
      fieldOf(() => kmeans.fit({ ...tiny, task: 'clustering' }, kmeans.params.parse({ n_clusters: 4 }))),
    ).toBe('hyperparameters.n_clusters');
  });

  it('accepts k equal to the row count', () => {
    expect(fieldOf(() => knn.fit(tiny, knn.params.parse({ n_neighbors: 3 })))).toBeUndefined();
  });
});

describe('hyperparameter schemas', () => {
  const spec = (name: string) => ALGORITHMS.find((a) => a.name === name);

  it('lists every implemented kernel and neighbour algorithm, with a trainer and a description', () => {
    const names = [
      'svc',
      'svr',
      'mlp',
      'knn',
      'naive_bayes',
      'kmeans',
      'lasso',
      'lasso_cv',
      'elastic_net',
      'elastic_net_cv',
    ];
    for (const n of names) expect(spec(n)?.description.length, n).toBeGreaterThan(10);
    const listed = ALGORITHMS.map((a) => a.name);
    for (const impl of [...KERNEL, ...NEIGHBORS]) expect(listed, impl.name).toContain(impl.name);
    for (const a of ALGORITHMS.filter((x) => names.includes(x.name)))
      expect([...KERNEL, ...NEIGHBORS].some((i) => i.name === a.name)).toBe(true);
  });

  it('fills scikit-learn defaults and reads SageMaker strings', () => {
    const svc = spec('svc');
    expect(svc && parseHyperparameters(svc, { C: '2.5' })).toMatchObject({
      C: 2.5,
      kernel: 'rbf',
      gamma: 'scale',
      tol: 0.001,
    });
    const mlp = spec('mlp');
    expect(mlp && parseHyperparameters(mlp, { hidden_layer_sizes: '64,32' })).toMatchObject({
      hidden_layer_sizes: [64, 32],
      max_iter: 200,
    });
  });

  it('names the key of an out-of-bounds or unknown hyperparameter', () => {
    const knnSpec = spec('knn');
    expect(fieldOf(() => knnSpec && parseHyperparameters(knnSpec, { n_neighbors: 0 }))).toBe(
      'hyperparameters.n_neighbors',
    );
    expect(fieldOf(() => knnSpec && parseHyperparameters(knnSpec, { k: 3 }))).toBe('hyperparameters.k');
  });
});
