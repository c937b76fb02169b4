import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { ApiError, ConnectionError } from '../../cli/client.js';
import { newestFirst } from '../../cli/commands/drift.js';
import { csvInstances, feedbackValue, predictBody } from '../../cli/commands/predict.js';
import { parseVariant, trafficBody } from '../../cli/commands/serving.js';
import { trainingBody } from '../../cli/commands/train.js';
import { drifted, shuffle, take } from '../../cli/demo/iris.js';
import { abStatusTable } from '../../cli/format/serving.js';
import { deploymentLine, deploymentOf, scalarMetrics } from '../../cli/format/runs.js';
import { errorLine } from '../../cli/main.js';
import { cell, num } from '../../cli/output.js';
import { hyperparameters, scalar } from '../../cli/parse.js';
import type { AbTestStatus, DriftSummary } from '../../cli/types.js';
import { tableRow } from './run-cli.js';

describe('CLI argument parsing', () => {
  it('types --param values and nests algo.key under its algorithm in a sweep', () => {
    expect(scalar('10')).toBe(10);
    expect(scalar('true')).toBe(true);
    expect(scalar('rbf')).toBe('rbf');
    expect(hyperparameters(['C=10', 'svc.gamma=scale', 'knn.n_neighbors=7'], ['svc', 'knn'])).toEqual({
      C: 10,
      svc: { gamma: 'scale' },
      knn: { n_neighbors: 7 },
    });
    // With one algorithm a dotted key is just a key (nothing to nest under).
    expect(hyperparameters(['a.b=1'], ['svc'])).toEqual({ 'a.b': 1 });
    expect(() => hyperparameters(['C'], ['svc'])).toThrow(/--param: expected key=value/);
  });

  it('builds the training body: one algorithm as a string, a comma list as a sweep', () => {
    const one = trainingBody({
      experiment: 'e',
      task: 'classification',
      algorithm: 'svc',
      dataset: 'iris',
      target: 'target',
      wait: true,
      testSize: 0.3,
      split: 'last',
    });
    expect(one).toMatchObject({
      algorithm: 'svc',
      dataset: { name: 'iris' },
      target: 'target',
      testSize: 0.3,
      split: 'last',
      hyperparameters: {},
    });
    const sweep = trainingBody({
      experiment: 'e',
      task: 'regression',
      algorithm: 'ridge, knn',
      dataset: 'd',
      wait: true,
    });
    expect(sweep.algorithm).toEqual(['ridge', 'knn']);
    expect(sweep).not.toHaveProperty('target');
  });

  it('reads traffic variants as vVERSION=WEIGHT and names shadows and sticky keys', () => {
    expect(parseVariant('v1=90')).toEqual({ name: 'v1', version: 1, weight: 90 });
    expect(parseVariant('blue:3=12.5')).toEqual({ name: 'blue', version: 3, weight: 12.5 });
    expect(() => parseVariant('v1:90')).toThrow(/expected vVERSION=WEIGHT/);
    expect(trafficBody(['v1=50', 'v2=50'], { shadow: ['v3'], stickyHeader: 'x-user' })).toEqual({
      variants: [
        { name: 'v1', version: 1, weight: 50 },
        { name: 'v2', version: 2, weight: 50 },
      ],
      shadows: [{ name: 'shadow-v3', version: 3 }],
      stickyKey: { from: 'header', name: 'x-user' },
    });
  });

  it('wraps a bare row as features, a list as instances, and keeps MLflow bodies as they are', () => {
    expect(predictBody('{"a": 1}')).toEqual({ features: { a: 1 } });
    expect(predictBody('[[1, 2]]')).toEqual({ instances: [[1, 2]] });
    const mlflow = { dataframe_split: { columns: ['a'], data: [[1]] } };
    expect(predictBody(JSON.stringify(mlflow))).toEqual(mlflow);
    expect(() => predictBody('{nope')).toThrow(/--json: not valid JSON/);
    expect(() => predictBody('3')).toThrow(/expected an object/);
  });

  it('turns CSV rows into typed instances without the dropped columns, an empty cell as null (missing)', () => {
    expect(csvInstances('a,b,target\n1.5,x,0\n2,,1\n', ['target'])).toEqual([
      { a: 1.5, b: 'x' },
      { a: 2, b: null },
    ]);
  });

  it('sends feedback numbers as numbers, JSON lists as lists, anything else as a label', () => {
    expect(feedbackValue('151.5')).toBe(151.5);
    expect(feedbackValue('setosa')).toBe('setosa');
    expect(feedbackValue('["a", 2]')).toEqual(['a', 2]);
    expect(() => feedbackValue('[oops')).toThrow(/not a JSON list/);
  });
});

describe('CLI formatting', () => {
  it('rounds numbers for tables and keeps tiny p-values readable', () => {
    expect(num(3)).toBe('3');
    expect(num(0.123456)).toBe('0.1235');
    expect(num(2.6e-21)).toBe('2.60e-21');
    expect(cell(['a', 1])).toBe('a, 1');
    expect(cell(null)).toBe('');
  });

  it('keeps only scalar metrics (no confusion matrix) for the metrics table', () => {
    expect(
      scalarMetrics({ accuracy: 0.9, confusionMatrix: [[1]], classes: ['a'], task: 'classification' }),
    ).toEqual([['accuracy', 0.9]]);
  });

  it('reads the deploy decision from the last ApplyPolicy output in the history', () => {
    const deployment = {
      model: 'iris',
      version: 2,
      policy: 'best_score',
      promoted: true,
      reason: 'better',
      previousChampion: 1,
      champion: 2,
    };
    const history = [
      { type: 'StateEntered', state: 'ApplyPolicy', at: '2025-01-01T00:00:00Z' },
      {
        type: 'StateExited',
        state: 'ApplyPolicy',
        at: '2025-01-01T00:00:01Z',
        output: { deployment: { Payload: deployment } },
      },
    ];
    expect(deploymentOf(history)).toEqual(deployment);
    expect(deploymentLine(deploymentOf(history))).toBe('deployed: iris v2 is now champion (better)');
    expect(deploymentLine({ ...deployment, promoted: false, champion: 1, reason: 'lower' })).toBe(
      'not deployed: iris v2 registered, champion stays v1 (lower)',
    );
    expect(deploymentOf([])).toBeUndefined();
  });

  it('shows both arms, the CI and the decision of an A/B test', () => {
    const status: AbTestStatus = {
      testId: 't1',
      endpoint: 'iris',
      state: 'completed',
      metric: 'accuracy',
      split: 50,
      minSamples: 30,
      maxSamples: 150,
      alpha: 0.05,
      champion: { variant: 'champion', version: 1, n: 150, sum: 140, sumSquares: 140, metric: 140 / 150 },
      challenger: { variant: 'challenger', version: 2, n: 160, sum: 155, sumSquares: 155, metric: 155 / 160 },
      difference: 0.035,
      confidenceInterval: [-0.01, 0.08],
      pValue: 0.4,
      fixedHorizonPValue: 0.1,
      decision: 'no_difference',
      reason: 'horizon reached',
      startedAt: '2025-01-01T00:00:00Z',
    };
    const text = abStatusTable(status);
    expect(tableRow(text, 'champion')).toEqual(['champion', 'v1', '150', '0.9333']);
    expect(tableRow(text, 'challenger')).toEqual(['challenger', 'v2', '160', '0.9688']);
    expect(tableRow(text, 'decision')?.[1]).toBe('no_difference');
    expect(tableRow(text, '95% CI (always valid)')?.[1]).toBe('[-0.0100, 0.0800]');
  });

  it('orders drift reports newest first whatever order they come in', () => {
    const r = (reportId: string, createdAt: string) => ({ reportId, createdAt }) as DriftSummary;
    expect(
      newestFirst([r('a', '2025-01-01T00:00:00Z'), r('b', '2025-02-01T00:00:00Z')]).map((x) => x.reportId),
    ).toEqual(['b', 'a']);
  });

  it('prints an API error with its field and status, and a connection error with how to start Cirrus', () => {
    expect(errorLine(new ApiError(400, 'ValidationError', 'target: required', 'target'))).toBe(
      'error: target: required (field: target) [400 ValidationError]',
    );
    expect(errorLine(new ConnectionError('http://127.0.0.1:1', 'ECONNREFUSED'))).toBe(
      'error: no Cirrus at http://127.0.0.1:1 — start one with `cirrus local up` (ECONNREFUSED)',
    );
  });
});

describe('demo traffic', () => {
  it('shuffles reproducibly, cycles through rows and shifts only the named features', () => {
    expect(shuffle([1, 2, 3, 4, 5], 7)).toEqual(shuffle([1, 2, 3, 4, 5], 7));
    expect(shuffle([1, 2, 3, 4, 5], 7).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(take([1, 2, 3], 2, 4)).toEqual([3, 1, 2, 3]);
    const [row] = drifted([{ actual: '0', features: { a: 1, b: 2, c: 3 } }], {
      a: { shift: 2.5 },
      b: { scale: 1.5 },
    });
    expect(row).toEqual({ actual: '0', features: { a: 3.5, b: 3, c: 3 } });
  });
});

describe('cirrus --help', () => {
  it('shows examples in the help of every command', async () => {
    const { buildProgram } = await import('../../cli/main.js');
    const leaves: Command[] = [];
    const walk = (c: Command) => (c.commands.length ? c.commands.forEach(walk) : leaves.push(c));
    walk(buildProgram());
    expect(leaves.length).toBeGreaterThan(30);
    for (const leaf of leaves) {
      let text = '';
      leaf.configureOutput({ writeOut: (s) => (text += s) });
      leaf.outputHelp();
      expect(text, leaf.name()).toContain('Examples:');
      expect(text, leaf.name()).toContain('--json');
    }
  });
});
