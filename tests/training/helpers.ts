import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { Task } from '../../contracts/model-contract.js';
import type { TrainingJobConfig } from '../../contracts/training-job.js';
import { TrainingJobSpecSchema } from '../../contracts/training-job.js';
import { parseCsv } from '../../core/data/csv.js';
import { splitRows } from '../../core/data/split.js';
import { toCsv } from '../../core/data/write.js';
import type { FeatureFrame } from '../../training/frame.js';

/** The built-in datasets and their tasks (target column `target` in each). */
export const BUILTIN: readonly { name: string; task: Task }[] = [
  { name: 'iris', task: 'classification' },
  { name: 'wine', task: 'classification' },
  { name: 'breast_cancer', task: 'classification' },
  { name: 'digits', task: 'classification' },
  { name: 'diabetes', task: 'regression' },
];

export function datasetText(name: string): string {
  return readFileSync(new URL(`../../datasets/${name}.csv`, import.meta.url), 'utf8');
}

export function jobConfig(
  task: Task,
  algorithm: string,
  hyperparameters: Record<string, string> = {},
  extra: { target?: string; dataset?: string; features?: string[]; noTarget?: boolean } = {},
): TrainingJobConfig {
  const job = TrainingJobSpecSchema.parse({
    task,
    algorithm,
    target: extra.noTarget ? undefined : (extra.target ?? 'target'),
    features: extra.features,
    dataset: { name: extra.dataset ?? 'test', version: 'v' },
    seed: 0,
    runId: 'run-1',
    experiment: 'exp',
  });
  return { job, hyperparameters };
}

/** Splits CSV text as the pipeline would (stratified for classification), returns both CSVs. */
export function splitText(text: string, task: Task, seed = 0): { train: string; test: string } {
  const { columns } = parseCsv(text);
  const target = columns.find((c) => c.name === 'target');
  const labels = target?.values.map((v) => v ?? '');
  const split = splitRows(columns[0].values.length, {
    strategy: task === 'classification' ? 'stratified' : 'shuffle',
    testSize: 0.25,
    seed,
    labels,
  });
  return { train: toCsv(columns, split.train), test: toCsv(columns, split.test) };
}

/** Runs model.onnx on a frame exactly as serving feeds it (float32 numeric, raw strings for the rest). */
export async function runOnnx(
  onnx: Uint8Array,
  frame: FeatureFrame,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(onnx);
  const feeds: Record<string, ort.Tensor> = {};
  if (frame.numericNames.length) {
    feeds.numeric = new ort.Tensor('float32', Float32Array.from(frame.numeric), [
      frame.rows,
      frame.numericNames.length,
    ]);
  }
  if (frame.categoricalNames.length) {
    feeds.categorical = new ort.Tensor(
      'string',
      [...frame.categorical],
      [frame.rows, frame.categoricalNames.length],
    );
  }
  if (frame.textNames.length) {
    feeds.text = new ort.Tensor('string', [...frame.text], [frame.rows, frame.textNames.length]);
  }
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}
