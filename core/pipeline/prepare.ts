import { algorithmSpec, parseHyperparameters } from '../../contracts/algorithms.js';
import { type PrepareOutput, PipelineRequestSchema, ValidateOutputSchema } from '../../contracts/pipeline.js';
import { toHyperparametersFile } from '../../contracts/training-job.js';
import { defaultSplit, trainerHyperparameters, usesCirrusTrainer } from '../../contracts/training-request.js';
import { getArtifact, putArtifact, toS3Uri } from '../artifacts/index.js';
import { findColumn, parseCsv, splitRows, toCsv, toStrings } from '../data/index.js';
import type { CoreDeps } from '../deps.js';
import { z } from 'zod';

const PrepareInputSchema = z
  .object({ request: PipelineRequestSchema, run: z.object({ Payload: ValidateOutputSchema }) })
  .loose();

/** S3 prefixes of a run's channels and job output (docs/conventions.md). */
export const runKeys = (runId: string) => ({
  train: `runs/${runId}/split/train/data.csv`,
  test: `runs/${runId}/split/test/data.csv`,
  jobs: `runs/${runId}/jobs`,
  model: (file: string) => `runs/${runId}/model/${file}`,
});

/**
 * Pipeline step Prepare: reads the validated dataset version, splits it as the request says
 * (seeded), writes the train/test channels, and returns what the Train state hands SageMaker:
 * channel prefixes, output path, and hyperparameters.json (all strings, with `cirrus_job`).
 */
export async function prepare(deps: CoreDeps, input: unknown): Promise<PrepareOutput> {
  const { request, run } = PrepareInputSchema.parse(input);
  const v = run.Payload;
  const bytes = await getArtifact(deps, { uri: v.dataset.uri, expectedSha256: v.dataset.version });
  const csv = parseCsv(bytes, { field: 'dataset' });
  const strategy = request.split ?? defaultSplit(request.task);
  const labels =
    strategy === 'stratified' && request.target
      ? toStrings(findColumn(csv, request.target, 'target'))
      : undefined;
  const split = splitRows(csv.schema.rowCount, {
    strategy,
    testSize: request.testSize,
    seed: request.seed,
    labels,
  });
  const keys = runKeys(v.runId);
  await Promise.all([
    putArtifact(deps, { key: keys.train, body: toCsv(csv.columns, split.train), contentType: 'text/csv' }),
    putArtifact(deps, { key: keys.test, body: toCsv(csv.columns, split.test), contentType: 'text/csv' }),
  ]);
  const raw = trainerHyperparameters(request, request.algorithm);
  // Validated again by the trainer; parsed here so a bad value fails before a job is paid for.
  if (usesCirrusTrainer(request)) parseHyperparameters(algorithmSpec(request.algorithm, request.task), raw);
  const job = {
    task: request.task,
    algorithm: request.algorithm,
    target: request.target,
    features: request.features,
    dataset: { name: v.dataset.name, version: v.dataset.version },
    seed: request.seed,
    runId: v.runId,
    experiment: v.experiment,
  };
  return {
    channels: {
      train: toS3Uri(deps.bucket, keys.train.replace(/data\.csv$/, '')),
      test: toS3Uri(deps.bucket, keys.test.replace(/data\.csv$/, '')),
    },
    outputPath: toS3Uri(deps.bucket, keys.jobs),
    hyperparameters: toHyperparametersFile(job, raw),
    rows: { train: split.train.length, test: split.test.length },
  };
}
