import { describe, expect, it } from 'vitest';
import { BATCH_PREFIXES, batchLocations } from '../../core/batch/locations.js';
import { startBatchJob } from '../../core/batch/start.js';
import type { CoreDeps } from '../../core/deps.js';
import { ValidationError } from '../../core/errors.js';
import type { PipelineRunner } from '../../core/ports.js';

// The confinement is checked before any storage call: no deps or runner are reached.
const unreachable = {} as CoreDeps;
const runner = {} as PipelineRunner;
const locations = batchLocations('cirrus-artifacts');
const start = (input: string, output: string) =>
  startBatchJob(unreachable, runner, { endpoint: 'iris', request: { input, output }, locations });

describe('batch job locations on AWS (the batch state machine role grants)', () => {
  it('refuses an input outside the input prefix, naming the field and the prefix', async () => {
    const error = await start(
      's3://cirrus-artifacts/datasets/x.csv',
      's3://cirrus-artifacts/batch/output/o/',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('input');
    expect((error as Error).message).toContain(`s3://cirrus-artifacts/${BATCH_PREFIXES.input}`);
  });

  it('refuses an output in another bucket or outside the output prefix', async () => {
    for (const output of ['s3://other-bucket/batch/output/o/', 's3://cirrus-artifacts/batch/input/o/']) {
      const error = await start('s3://cirrus-artifacts/batch/input/x.csv', output).catch((e: unknown) => e);
      expect((error as ValidationError).field, output).toBe('output');
    }
  });
});
