import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHyperparametersFile } from '../../contracts/training-job.js';
import { datasetText } from './helpers.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

interface Case {
  readonly name: string;
  readonly csv: string;
  readonly algorithm?: string;
  readonly task?: 'classification' | 'regression';
  readonly hyperparameters?: Record<string, string>;
  readonly target?: string;
  readonly columnTypes?: Record<string, 'numeric' | 'categorical'>;
  /** The failure line must name this field. */
  readonly field: string;
}

/** Lays out a SageMaker container root and runs the real entry point on it. */
function runTrainer(c: Case) {
  const root = mkdtempSync(join(tmpdir(), 'cirrus-bad-'));
  roots.push(root);
  mkdirSync(join(root, 'input', 'config'), { recursive: true });
  mkdirSync(join(root, 'input', 'data', 'train'), { recursive: true });
  writeFileSync(join(root, 'input', 'data', 'train', 'data.csv'), c.csv);
  const hp = toHyperparametersFile(
    {
      task: c.task ?? 'classification',
      algorithm: c.algorithm ?? 'logistic_regression',
      target: c.target ?? 'target',
      columnTypes: c.columnTypes,
      dataset: { name: 'd', version: 'v' },
      seed: 0,
      runId: 'r',
      experiment: 'e',
    },
    c.hyperparameters,
  );
  writeFileSync(join(root, 'input', 'config', 'hyperparameters.json'), JSON.stringify(hp));
  const main = new URL('../../training/main.ts', import.meta.url).pathname;
  const run = spawnSync(process.execPath, ['--import', 'tsx', main, 'train', '--root', root], {
    encoding: 'utf8',
  });
  const failurePath = join(root, 'output', 'failure');
  return {
    status: run.status,
    failure: existsSync(failurePath) ? readFileSync(failurePath, 'utf8') : '',
    modelWritten: existsSync(join(root, 'model', 'model.onnx')),
  };
}

const iris = datasetText('iris');
const irisHead = iris.split('\n').slice(0, 40).join('\n');

const cases: Case[] = [
  { name: 'unknown algorithm', csv: iris, algorithm: 'quantum_forest', field: 'algorithm' },
  {
    name: 'hyperparameter out of bounds',
    csv: iris,
    hyperparameters: { C: '-1' },
    field: 'hyperparameters.C',
  },
  {
    name: 'hyperparameter that is not a number',
    csv: iris,
    hyperparameters: { max_iter: 'lots' },
    field: 'hyperparameters.max_iter',
  },
  {
    name: 'unknown hyperparameter',
    csv: iris,
    hyperparameters: { max_depth: '3' },
    field: 'hyperparameters.max_depth',
  },
  { name: 'missing target column', csv: iris, target: 'species', field: 'target' },
  // The first 40 iris rows are all class 0.
  { name: 'target with one class', csv: irisHead, field: 'target' },
  {
    name: 'non-numeric text in a numeric column',
    csv: iris.replace('5.1,3.5,1.4,0.2,0', '5.1,three,1.4,0.2,0'),
    columnTypes: { 'sepal width (cm)': 'numeric' },
    field: 'sepal width (cm)',
  },
  {
    name: 'a typo in an undeclared numeric column',
    csv: iris.replace('4.9,3.0,1.4,0.2,0', '4.9,3.0,1.4,O.2,0'),
    field: 'petal width (cm)',
  },
  { name: 'empty file', csv: '', field: 'train' },
  { name: 'header without rows', csv: 'a,b,target\n', field: 'train' },
  { name: 'ragged row', csv: 'a,b,target\n1,2,0\n3,1\n', field: 'train' },
  {
    name: 'regression on a text target',
    csv: 'a,target\n1,x\n2,y\n',
    task: 'regression',
    algorithm: 'ridge',
    field: 'target',
  },
  {
    name: 'a search space with no candidates',
    csv: iris,
    hyperparameters: { cirrus_search: JSON.stringify({ strategy: 'grid', space: { C: [] } }) },
    field: 'cirrus_search.space.C',
  },
  {
    name: 'k larger than the row count',
    csv: iris.split('\n').slice(0, 4).join('\n').concat('\n5.0,3.0,1.6,0.2,1'),
    algorithm: 'knn',
    hyperparameters: { n_neighbors: '10' },
    field: 'hyperparameters.n_neighbors',
  },
  {
    name: 'a text template naming a missing column',
    csv: 'author,text,target\nann,good stuff here,1\nbob,bad stuff there,0\n',
    hyperparameters: { cirrus_text: JSON.stringify({ template: '{writer}: {text}' }) },
    field: 'cirrus_text.template',
  },
];

describe('training/main.ts on bad input', () => {
  it.each(cases)('$name: exits non-zero, one-line failure naming $field, no model', (c) => {
    const { status, failure, modelWritten } = runTrainer(c);
    console.log(`${c.name.padEnd(38)} -> ${failure.trim()}`);
    expect(status).not.toBe(0);
    expect(failure.trimEnd().split('\n')).toHaveLength(1);
    expect(failure.startsWith(`${c.field}:`) || failure.includes(`'${c.field}'`)).toBe(true);
    expect(modelWritten).toBe(false);
  });

  it('trains and writes every file on good input (the same harness can succeed)', () => {
    const { status, failure, modelWritten } = runTrainer({ name: 'ok', csv: iris, field: '' });
    expect(failure).toBe('');
    expect(status).toBe(0);
    expect(modelWritten).toBe(true);
  });
});
