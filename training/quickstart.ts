/**
 * The README's first command: trains a model on a built-in dataset through the same container
 * path SageMaker runs (a temp /opt/ml root), and prints its metrics.
 *   node --import tsx training/quickstart.ts [dataset=iris] [algorithm=logistic_regression]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { type MetricsFile, MetricsFileSchema } from '../contracts/metrics.js';
import type { Task } from '../contracts/model-contract.js';
import { toHyperparametersFile } from '../contracts/training-job.js';
import { parseCsv } from '../core/data/csv.js';
import { splitRows } from '../core/data/split.js';
import { toCsv } from '../core/data/write.js';
import { ValidationError } from '../core/errors.js';
import { runContainer } from './container.js';

/** The built-in datasets (datasets/*.csv), each with its task; the target column is `target`. */
export const BUILTIN_DATASETS: Readonly<Record<string, Task>> = {
  iris: 'classification',
  wine: 'classification',
  breast_cancer: 'classification',
  digits: 'classification',
  diabetes: 'regression',
};

export interface TrainBuiltinOptions {
  readonly seed?: number;
  readonly testSize?: number;
  readonly hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  /** Keep the temp root (model.onnx and friends) instead of deleting it. */
  readonly keep?: boolean;
}

/**
 * Lays out a SageMaker job root for a built-in dataset (channels `train` and `test`, the
 * hyperparameters file) in a new temporary directory, as the local runner would.
 */
export function layoutBuiltinJob(
  dataset: string,
  algorithm: string,
  options: TrainBuiltinOptions = {},
): string {
  const task = BUILTIN_DATASETS[dataset];
  if (!task)
    throw new ValidationError(
      `dataset: unknown built-in dataset '${dataset}' (known: ${Object.keys(BUILTIN_DATASETS).join(', ')})`,
      'dataset',
    );
  const bytes = readFileSync(fileURLToPath(new URL(`../datasets/${dataset}.csv`, import.meta.url)));
  const { columns, schema } = parseCsv(bytes, { field: 'dataset' });
  const labels = columns.find((c) => c.name === 'target')?.values.map((v) => v ?? '');
  const seed = options.seed ?? 0;
  const split = splitRows(schema.rowCount, {
    strategy: task === 'classification' ? 'stratified' : 'shuffle',
    testSize: options.testSize ?? 0.25,
    seed,
    labels,
  });
  const root = mkdtempSync(join(tmpdir(), 'cirrus-quickstart-'));
  for (const [channel, rows] of [
    ['train', split.train],
    ['test', split.test],
  ] as const) {
    mkdirSync(join(root, 'input', 'data', channel), { recursive: true });
    writeFileSync(join(root, 'input', 'data', channel, 'data.csv'), toCsv(columns, rows));
  }
  mkdirSync(join(root, 'input', 'config'), { recursive: true });
  const job = {
    task,
    algorithm,
    target: 'target',
    dataset: { name: dataset, version: schema.sha256 },
    seed,
    runId: 'quickstart',
    experiment: 'quickstart',
  };
  writeFileSync(
    join(root, 'input', 'config', 'hyperparameters.json'),
    JSON.stringify(toHyperparametersFile(job, options.hyperparameters)),
  );
  return root;
}

/**
 * Splits a built-in dataset (stratified for classification), runs the trainer on it in a temp
 * SageMaker root and returns metrics.json; throws the failure line when training fails.
 */
export function trainBuiltin(
  dataset: string,
  algorithm: string,
  options: TrainBuiltinOptions = {},
): { metrics: MetricsFile; root: string } {
  const root = layoutBuiltinJob(dataset, algorithm, options);
  try {
    if (runContainer(root, () => {}) !== 0)
      throw new Error(readFileSync(join(root, 'output', 'failure'), 'utf8').trim());
    const metrics = MetricsFileSchema.parse(
      JSON.parse(readFileSync(join(root, 'model', 'metrics.json'), 'utf8')),
    );
    return { metrics, root };
  } finally {
    if (!options.keep) rmSync(root, { recursive: true, force: true });
  }
}

/** Renders metrics.json as a two-column table (the confusion matrix below it). */
export function metricsTable(file: MetricsFile): string {
  const table = new Table({ head: ['metric', `value (${file.evaluatedOn} set, n=${file.metrics.n})`] });
  for (const [key, value] of Object.entries(file.metrics)) {
    if (typeof value === 'number' && key !== 'n') table.push([key, value.toFixed(4)]);
  }
  const m = file.metrics;
  if (m.task !== 'classification') return table.toString();
  const cm = new Table({ head: ['true \\ predicted', ...m.classes] });
  m.confusionMatrix.forEach((row, i) => {
    cm.push([m.classes[i], ...row.map(String)]);
  });
  return `${table.toString()}\n${cm.toString()}`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [dataset = 'iris', algorithm = 'logistic_regression'] = process.argv.slice(2);
  try {
    const { metrics } = trainBuiltin(dataset, algorithm);
    console.log(`Cirrus: ${algorithm} on ${dataset} (75% train / 25% held-out test, seed 0)`);
    console.log(metricsTable(metrics));
  } catch (error) {
    console.error(`training failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
