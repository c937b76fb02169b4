import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliPlatform, startCliPlatform, tableRow } from './run-cli.js';

// A text model as a user runs it: upload a CSV with a text column, train on the text alone,
// serve it, and watch it for drift through its text descriptors; the text options are flags.
let p: CliPlatform;
const cli = (...args: string[]) => p.cli(...args);
const REVIEWS = fileURLToPath(new URL('../../datasets/reviews.csv', import.meta.url));
const TRAIN = [
  'train',
  '--task',
  'classification',
  '--algorithm',
  'logistic_regression',
  '--dataset',
  'reviews',
];

beforeAll(async () => {
  p = await startCliPlatform('cirrus-text-');
  expect((await cli('datasets', 'upload', REVIEWS, '--name', 'reviews')).code).toBe(0);
});
afterAll(() => p?.stop());

interface DriftRow {
  name: string;
  drifted: boolean;
}

describe('a text-only model through the CLI', () => {
  it('trains on one text column and a target', async () => {
    const res = await cli(...TRAIN, '--experiment', 'rev', '--target', 'sentiment', '--features', 'text');
    expect(res.code).toBe(0);
    expect(tableRow(res.stdout, 'status')).toEqual(['status', 'SUCCEEDED']);
    expect(Number(tableRow(res.stdout, 'accuracy')?.[1])).toBeGreaterThan(0.6);
  });

  it('serves it', async () => {
    const res = await cli(
      '--json',
      'predict',
      'rev',
      '--json',
      '{"text": "Useless, arrived broken. Refund."}',
    );
    expect(res.code).toBe(0);
    const [p] = JSON.parse(res.stdout).predictions;
    expect(['negative', 'positive']).toContain(p.label);
  });

  it('watches it: words, out-of-vocabulary rate and top term, each tested', async () => {
    expect((await cli('predict', 'rev', '--file', REVIEWS, '--drop', 'author,sentiment')).code).toBe(0);
    const calm = JSON.parse((await cli('--json', 'drift', 'run', 'rev')).stdout);
    expect(calm.status).toBe('ok');
    expect(calm.features.map((f: DriftRow) => f.name)).toEqual([
      'text (words)',
      'text (out-of-vocabulary rate)',
      'text (top term)',
    ]);
    // Long texts of words training never saw: the length and out-of-vocabulary rate move.
    const odd = Array.from(
      { length: 200 },
      (_, i) => `"zxq${i} plorf wibble quux frobnicate gazonk snark ${i}"`,
    );
    const csv = join(p.dir, 'odd.csv');
    await writeFile(csv, ['text', ...odd].join('\n'));
    expect((await cli('predict', 'rev', '--file', csv)).code).toBe(0);
    const moved = JSON.parse((await cli('--json', 'drift', 'run', 'rev')).stdout);
    const drifted = Object.fromEntries(moved.features.map((f: DriftRow) => [f.name, f.drifted]));
    expect(drifted['text (out-of-vocabulary rate)']).toBe(true);
    expect(drifted['text (words)']).toBe(true);
    expect(moved.driftDetected).toBe(true);
  });

  it('takes the text options as flags: a template joining columns and vectorizer settings', async () => {
    const res = await cli(
      ...TRAIN,
      '--experiment',
      'rev-template',
      '--target',
      'sentiment',
      '--text-template',
      '{author}: {text}',
      '--ngrams',
      '1',
      '--min-df',
      '3',
    );
    expect(res.code).toBe(0);
    expect(tableRow(res.stdout, 'status')).toEqual(['status', 'SUCCEEDED']);
    const model = JSON.parse((await cli('--json', 'models', 'show', 'rev-template')).stdout);
    expect(model.versions[0].contract.features).toEqual([
      expect.objectContaining({
        name: 'text',
        type: 'text',
        source: expect.objectContaining({ columns: ['author', 'text'], template: '{author}: {text}' }),
      }),
    ]);
    const one = await cli(
      '--json',
      'predict',
      'rev-template',
      '--json',
      '{"text": "dev: Sturdy, excellent blender."}',
    );
    expect(one.code).toBe(0);
  });

  it('refuses bad text options at submit, naming the field', async () => {
    const bad = await cli(...TRAIN, '--experiment', 'rev-bad', '--target', 'sentiment', '--ngrams', '5');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/text\.ngrams.*\[400/);
    const twice = await cli(
      ...TRAIN,
      '--experiment',
      'rev-bad',
      '--target',
      'sentiment',
      '--ngrams',
      '1',
      '--param',
      'cirrus_text={"ngrams":2}',
    );
    expect(twice.stderr).toMatch(/text: given twice: also as hyperparameters\.cirrus_text.*\[400/);
  });
});
