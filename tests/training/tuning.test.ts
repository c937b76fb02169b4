import { describe, expect, it } from 'vitest';
import { MetricsFileSchema } from '../../contracts/metrics.js';
import { train } from '../../training/train.js';
import { datasetText, jobConfig, splitText } from './helpers.js';

const search = (s: unknown) => ({ cirrus_search: JSON.stringify(s) });

describe('hyperparameter tuning (search space instead of fixed values)', () => {
  const { train: trainCsv, test: testCsv } = splitText(datasetText('wine'), 'classification');

  it('grid: cross-validates every candidate, keeps the best, records all scores and the choice', () => {
    const space = {
      strategy: 'grid',
      space: { n_neighbors: [1, 15, 60], weights: ['uniform', 'distance'] },
      folds: 3,
    };
    const result = train(jobConfig('classification', 'knn', {}, { dataset: 'wine' }), trainCsv, testCsv);
    const tuned = train(
      jobConfig('classification', 'knn', search(space), { dataset: 'wine' }),
      trainCsv,
      testCsv,
    );
    const tuning = MetricsFileSchema.parse(tuned.metrics).tuning;
    expect(tuning?.candidates).toHaveLength(6);
    const scores = tuning?.candidates.map((c) => c.score) ?? [];
    expect(tuning?.candidates[tuning.best].score).toBe(Math.max(...scores));
    expect(tuning?.chosen).toMatchObject(tuning?.candidates[tuning.best].hyperparameters ?? {});
    expect(tuned.hyperparameters).toEqual(tuning?.chosen);
    expect(new Set(scores).size).toBeGreaterThan(1);
    expect(result.metrics.tuning).toBeUndefined();
  });

  it('random: draws `budget` candidates from lists and (log) ranges, fixed values apply to all', () => {
    const space = {
      strategy: 'random',
      budget: 4,
      space: { alpha: { min: 0.01, max: 100, log: true } },
      folds: 3,
    };
    const tuned = train(
      jobConfig('regression', 'ridge', { fit_intercept: 'true', ...search(space) }, { dataset: 'diabetes' }),
      ...(Object.values(splitText(datasetText('diabetes'), 'regression')) as [string, string]),
    );
    const c = tuned.metrics.tuning?.candidates ?? [];
    expect(c).toHaveLength(4);
    for (const x of c) {
      expect(Number(x.hyperparameters.alpha)).toBeGreaterThanOrEqual(0.01);
      expect(Number(x.hyperparameters.alpha)).toBeLessThanOrEqual(100);
      expect(x.hyperparameters.fit_intercept).toBe('true');
    }
  });

  it('bad input names the field: no candidates, a range in a grid, more folds than rows, an out-of-bounds candidate', () => {
    const run = (s: unknown) => () =>
      train(jobConfig('classification', 'knn', search(s), { dataset: 'wine' }), trainCsv);
    expect(run({ strategy: 'grid', space: {} })).toThrow(
      /^cirrus_search\.space: the search space has no candidates/,
    );
    expect(run({ strategy: 'grid', space: { n_neighbors: [] } })).toThrow(
      /^cirrus_search\.space\.n_neighbors: /,
    );
    expect(run({ strategy: 'grid', space: { n_neighbors: { min: 1, max: 9 } } })).toThrow(
      /^cirrus_search\.space\.n_neighbors: a grid needs a list/,
    );
    expect(run({ strategy: 'grid', space: { n_neighbors: [0] } })).toThrow(/^hyperparameters\.n_neighbors: /);
    expect(run({ strategy: 'sideways', space: { n_neighbors: [1] } })).toThrow(/^cirrus_search\.strategy: /);
    const tiny = ['a,target', '1,x', '2,y', '3,x', '4,y'].join('\n');
    expect(() =>
      train(
        jobConfig(
          'classification',
          'knn',
          search({ strategy: 'grid', space: { n_neighbors: [1] }, folds: 5 }),
        ),
        tiny,
      ),
    ).toThrow(/^cirrus_search\.folds: /);
    expect(() => train(jobConfig('classification', 'knn', { n_neighbors: '9' }), tiny)).toThrow(
      /^hyperparameters\.n_neighbors: /,
    );
  });
});
