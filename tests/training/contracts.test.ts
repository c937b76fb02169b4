import { describe, expect, it } from 'vitest';
import { parseTrainingJobConfig, toHyperparametersFile } from '../../contracts/training-job.js';
import {
  hyperparametersFor,
  requestAlgorithms,
  TrainingRequestSchema,
} from '../../contracts/training-request.js';

const base = {
  experiment: 'iris-exp',
  task: 'classification',
  algorithm: 'ridge',
  dataset: { name: 'iris' },
  target: 'target',
};

describe('TrainingRequestSchema', () => {
  it('applies defaults: test size 0.25, stratified split for classification, seed 0, best_score', () => {
    const r = TrainingRequestSchema.parse(base);
    expect(r).toMatchObject({
      testSize: 0.25,
      split: 'stratified',
      seed: 0,
      policy: 'best_score',
      hyperparameters: {},
      tags: {},
    });
    expect(TrainingRequestSchema.parse({ ...base, task: 'regression' }).split).toBe('shuffle');
  });

  it.each([
    [{ ...base, testSize: 1 }, 'testSize'],
    [{ ...base, target: undefined }, 'target'],
    [{ ...base, features: ['a', 'target'] }, 'features'],
    [{ ...base, task: 'regression', split: 'stratified' }, 'split'],
    [{ ...base, policy: 'sometimes' }, 'policy'],
    [{ ...base, surprise: 1 }, ''],
  ])('rejects %j naming %s', (body, field) => {
    const result = TrainingRequestSchema.safeParse(body);
    expect(result.success).toBe(false);
    if (!result.success && field) expect(result.error.issues[0].path[0]).toBe(field);
  });

  it('takes a list of algorithms (a sweep) with per-algorithm hyperparameters', () => {
    const r = TrainingRequestSchema.parse({
      ...base,
      algorithm: ['ridge', 'logistic_regression'],
      hyperparameters: { ridge: { alpha: 3 }, logistic_regression: { C: 0.1 } },
    });
    expect(requestAlgorithms(r)).toEqual(['ridge', 'logistic_regression']);
    expect(hyperparametersFor(r, 'ridge')).toEqual({ alpha: 3 });
    expect(hyperparametersFor(r, 'logistic_regression')).toEqual({ C: 0.1 });
  });
});

describe('hyperparameters.json', () => {
  it('round-trips the job and string hyperparameters through the reserved cirrus_job key', () => {
    const job = {
      task: 'regression' as const,
      algorithm: 'ridge',
      target: 'y',
      dataset: { name: 'd', version: 'v' },
      seed: 3,
      runId: 'r',
      experiment: 'e',
    };
    const file = toHyperparametersFile(job, { alpha: 0.5, fit_intercept: false });
    expect(file.alpha).toBe('0.5');
    expect(file.fit_intercept).toBe('false');
    const parsed = parseTrainingJobConfig(JSON.parse(JSON.stringify(file)));
    expect(parsed.job).toEqual(job);
    expect(parsed.hyperparameters).toEqual({ alpha: '0.5', fit_intercept: 'false' });
  });

  it('names cirrus_job when it is missing or malformed', () => {
    expect(() => parseTrainingJobConfig({ alpha: '1' })).toThrow(/^cirrus_job: missing/);
    expect(() => parseTrainingJobConfig({ cirrus_job: '{' })).toThrow(/^cirrus_job: not valid JSON/);
    expect(() => parseTrainingJobConfig({ cirrus_job: '{"task":"x"}' })).toThrow(/^cirrus_job\.task/);
  });
});
