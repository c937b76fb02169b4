import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HYPERPARAMETER_VALUE_LENGTH } from '../../contracts/training-job.js';
import { getArtifact } from '../../core/artifacts/index.js';
import { describeTrainingJob } from '../../local/training-jobs/index.js';
import { type CliPlatform, startCliPlatform, tableRow } from './run-cli.js';

// A request whose job description is far over SageMaker's 2,500-character hyperparameter cap
// (300 long feature names), trained through the CLI on the local platform. The local runner
// enforces the cap, so this passes only because the description travels as an S3 object.
let p: CliPlatform;
const FEATURES = Array.from(
  { length: 300 },
  (_, i) => `sensor_reading_from_the_far_side_${String(i).padStart(3, '0')}`,
);

/** 160 rows: the label follows the first two features, the rest is noise (seeded LCG). */
function wideCsv(): string {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const rows = Array.from({ length: 160 }, () => {
    const x = FEATURES.map(() => next());
    return [...x.map((v) => v.toFixed(4)), x[0]! + x[1]! > 0 ? 'up' : 'down'].join(',');
  });
  return `${[...FEATURES, 'label'].join(',')}\n${rows.join('\n')}\n`;
}

beforeAll(async () => {
  p = await startCliPlatform('cirrus-long-job-');
  const file = join(p.dir, 'wide.csv');
  await writeFile(file, wideCsv());
  expect((await p.cli('datasets', 'upload', file, '--name', 'wide')).code).toBe(0);
});
afterAll(() => p?.stop());

describe('a request over the hyperparameter cap', () => {
  it('trains end to end with 300 long feature names listed, each inline value within 2,500 characters', async () => {
    const listed = FEATURES.join(',');
    expect(JSON.stringify(FEATURES).length).toBeGreaterThan(4 * MAX_HYPERPARAMETER_VALUE_LENGTH);
    const res = await p.cli(
      'train',
      '--experiment',
      'wide',
      '--task',
      'classification',
      '--dataset',
      'wide',
      '--target',
      'label',
      '--features',
      listed,
      '--algorithm',
      'logistic_regression',
    );

    expect(res.code, res.stderr).toBe(0);
    expect(tableRow(res.stdout, 'status')).toEqual(['status', 'SUCCEEDED']);
    const jobsDir = join(p.dir, 'data', 'jobs');
    const [name] = await readdir(jobsDir);
    const job = await describeTrainingJob(join(p.dir, 'data'), name!);
    const inline = Object.values(job?.HyperParameters ?? {});
    expect(Math.max(...inline.map((v) => v.length))).toBeLessThanOrEqual(MAX_HYPERPARAMETER_VALUE_LENGTH);
    const uri = job?.HyperParameters.cirrus_job_uri ?? '';
    expect(uri).toMatch(/^s3:\/\/[^/]+\/runs\/[^/]+\/job\/job\.json$/);
    const stored = JSON.parse(Buffer.from(await getArtifact(p.platform.deps, { uri })).toString('utf8'));
    expect(JSON.parse(stored.cirrus_job).features).toEqual(FEATURES);
    const version = JSON.parse((await p.cli('--json', 'models', 'show', 'wide')).stdout);
    expect(JSON.stringify(version)).toContain(FEATURES[299]);
  }, 300_000);
});
