import { type PrepareOutput, PipelineRequestSchema, ValidateOutputSchema } from '../../contracts/pipeline.js';
import {
  JOB_FILE,
  JOB_URI_KEY,
  MAX_HYPERPARAMETER_VALUE_LENGTH,
  splitHyperparametersFile,
  toHyperparametersFile,
} from '../../contracts/training-job.js';
import { defaultSplit, trainerHyperparameters } from '../../contracts/training-request.js';
import { putArtifact, toS3Uri } from '../artifacts/index.js';
import { recordedSplitCounts } from '../datasets/profile.js';
import type { CoreDeps } from '../deps.js';
import { ValidationError } from '../errors.js';
import * as z from 'zod';
import { splitDatasetStreaming } from './split-stream.js';

const PrepareInputSchema = z
  .object({ request: PipelineRequestSchema, run: z.object({ Payload: ValidateOutputSchema }) })
  .loose();

/** S3 prefixes of a run's channels and job output (docs/conventions.md). */
export const runKeys = (runId: string) => ({
  train: `runs/${runId}/split/train/data.csv`,
  test: `runs/${runId}/split/test/data.csv`,
  jobs: `runs/${runId}/jobs`,
  job: `runs/${runId}/job/${JOB_FILE}`,
  model: (file: string) => `runs/${runId}/model/${file}`,
});

/**
 * Pipeline step Prepare: reads the validated dataset version, splits it as the request says
 * (seeded; in one read when the version recorded its counts), streams the train/test channels (never the whole dataset in memory), and returns what the Train state hands SageMaker:
 * channel prefixes, output path, and the inline hyperparameters (all strings). The job
 * description and the other reserved `cirrus_*` values, whose size grows with the request, go to
 * `runs/{runId}/job/job.json`, delivered as the `cirrus` channel; inline stays its URI.
 */
export async function prepare(deps: CoreDeps, input: unknown): Promise<PrepareOutput> {
  const { request, run } = PrepareInputSchema.parse(input);
  const v = run.Payload;
  const keys = runKeys(v.runId);
  const recorded = await recordedSplitCounts(deps, v.dataset, request.target);
  const split = await splitDatasetStreaming(deps, {
    ...(recorded ? { recorded } : {}),
    source: { uri: v.dataset.uri, expectedSha256: v.dataset.version },
    strategy: request.split ?? defaultSplit(request.task),
    testSize: request.testSize,
    seed: request.seed,
    target: request.target,
    keys,
  });
  // Checked once by submitTraining; the trainer parses them at its own process boundary.
  const raw = trainerHyperparameters(request, request.algorithm);
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
  const { inline, reserved } = splitHyperparametersFile(toHyperparametersFile(job, raw));
  checkInlineLengths(inline);
  await putArtifact(deps, { key: keys.job, body: JSON.stringify(reserved), contentType: 'application/json' });
  return {
    channels: {
      train: toS3Uri(deps.bucket, keys.train.replace(/data\.csv$/, '')),
      test: toS3Uri(deps.bucket, keys.test.replace(/data\.csv$/, '')),
      cirrus: toS3Uri(deps.bucket, keys.job.replace(/[^/]+$/, '')),
    },
    outputPath: toS3Uri(deps.bucket, keys.jobs),
    hyperparameters: { ...inline, [JOB_URI_KEY]: toS3Uri(deps.bucket, keys.job) },
    rows: split.rows,
  };
}

/** SageMaker refuses a CreateTrainingJob whose hyperparameter value is longer: fail here instead. */
function checkInlineLengths(inline: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(inline)) {
    if (value.length > MAX_HYPERPARAMETER_VALUE_LENGTH)
      throw new ValidationError(
        `hyperparameters.${key}: ${value.length} characters; SageMaker allows at most ${MAX_HYPERPARAMETER_VALUE_LENGTH} per value`,
        `hyperparameters.${key}`,
      );
  }
}
