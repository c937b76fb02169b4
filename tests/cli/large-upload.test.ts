import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeClassificationCsv } from '../../bench/classification-csv.js';
import { INLINE_UPLOAD_MAX_BYTES } from '../../cli/commands/dataset-upload.js';
import { DEFAULT_MAX_BODY } from '../../lambdas/api/predict-admission.js';
import { type CliPlatform, startCliPlatform } from './run-cli.js';

// A CSV above the API's body limit, uploaded and trained on through the `cirrus` command as a
// user runs it, against the embedded platform (emulated S3/DynamoDB, real pipeline and trainer).
let p: CliPlatform;
let file: string;
let bytes: number;

beforeAll(async () => {
  p = await startCliPlatform('cirrus-large-upload-');
  file = join(p.dir, 'clicks.csv');
  ({ bytes } = await writeClassificationCsv(file, 60_000));
}, 120_000);
afterAll(() => p?.stop());

describe('cirrus datasets upload of a file above the body limit', () => {
  it('streams it to a presigned URL with progress, registers it, and trains gradient boosting on it', async () => {
    expect(bytes).toBeGreaterThan(DEFAULT_MAX_BODY);
    expect(bytes).toBeGreaterThan(INLINE_UPLOAD_MAX_BYTES);
    const up = await p.cli('datasets', 'upload', file);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('100%');
    expect(up.stderr).toMatch(/\[#{30}\] 100%/);
    expect(up.stdout).toMatch(/uploaded clicks@[0-9a-f]{12}: 60000 rows/);
    const show = await p.cli('--json', 'datasets', 'show', 'clicks');
    const record = JSON.parse(show.stdout);
    expect(record).toMatchObject({ rowCount: 60_000, bytes });
    expect(record.schema.columns).toHaveLength(21);

    const train = await p.cli(
      'train',
      '--experiment',
      'clicks',
      '--task',
      'classification',
      '--dataset',
      'clicks',
      '--target',
      'target',
      '--algorithm',
      'gradient_boosting',
      '--param',
      'max_iter=20',
      '--json',
    );
    expect(train.code, train.stderr).toBe(0);
    const run = JSON.parse(train.stdout).runs[0];
    expect(run.status, run.statusHistory?.at(-1)?.reason).toBe('SUCCEEDED');
    expect(run.dataset).toMatchObject({ name: 'clicks', version: record.version });
    expect(run.metrics.accuracy).toBeGreaterThan(0.8);
  }, 600_000);
});
