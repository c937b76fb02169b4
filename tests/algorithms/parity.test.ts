import { describe, expect, it } from 'vitest';
import { KERNEL } from '../../training/algorithms/kernel/index.js';
import { NEIGHBORS } from '../../training/algorithms/neighbors/index.js';
import type { Task } from '../../contracts/model-contract.js';
import type { Algorithm } from '../../training/algorithms/types.js';
import { applyScaler, fitScaler, loadDataset, parityReport, runOnnx, take, takeRows } from './helpers.js';

const CLASSIFICATION = ['iris', 'wine', 'breast_cancer', 'digits'];
const ALL = [...KERNEL, ...NEIGHBORS];

/** Every (algorithm, task, dataset) the brief names: classifiers on the four class sets, regressors on diabetes, kmeans on iris. */
interface Case {
  readonly a: Algorithm;
  readonly task: Task;
  readonly d: string;
}

const cases: Case[] = ALL.flatMap((a) =>
  a.tasks.flatMap((task): Case[] => {
    if (task === 'classification') return CLASSIFICATION.map((d) => ({ a, task, d }));
    if (task === 'regression') return [{ a, task, d: 'diabetes' }];
    return [{ a, task, d: 'iris' }];
  }),
);

describe('ONNX parity of the kernel and neighbour models', () => {
  it.each(cases.map((c): [string, Task, string, Case] => [c.a.name, c.task, c.d, c]))(
    '%s (%s) on %s: identical labels, outputs within 1e-5',
    async (_n, _t, _d, { a, task, d }) => {
      const ds = loadDataset(d);
      // Hold out every fifth row so the graph also sees rows the model was not fitted on.
      const rows = Array.from({ length: ds.X.rows }, (_, i) => i);
      const trainIdx = rows.filter((i) => i % 5 !== 0);
      const testIdx = rows.filter((i) => i % 5 === 0);
      const Xtr = takeRows(ds.X, trainIdx);
      const Xte = takeRows(ds.X, testIdx);
      const scaler = a.scaling === 'standard' ? fitScaler(Xtr) : undefined;
      const params = a.params.parse(a.name === 'kmeans' ? { n_clusters: 3, n_init: 3 } : {});
      const model = a.fit(
        {
          X: applyScaler(scaler, Xtr),
          y: task === 'clustering' ? new Float64Array(0) : take(ds.y, trainIdx),
          task,
          nClasses: task === 'classification' ? ds.nClasses : 0,
          seed: 7,
        },
        params,
      );
      const mine = model.predict(applyScaler(scaler, Xte));
      const report = parityReport(await runOnnx(model, Xte, scaler), mine);
      expect(report).toEqual({
        label: 0,
        cluster: 0,
        probabilities: expect.toSatisfy((v: number) => v <= 1e-5),
        variable: expect.toSatisfy((v: number) => v <= 1e-5),
        distances: expect.toSatisfy((v: number) => v <= 1e-5),
      });
      const produced =
        task === 'classification'
          ? mine.labels && mine.probabilities
          : task === 'regression'
            ? mine.values
            : mine.clusters && mine.distances;
      expect(produced?.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
