import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../core/data/csv.js';
import { splitRows } from '../../core/data/split.js';
import { toCsv } from '../../core/data/write.js';
import { train } from '../../training/train.js';
import { jobConfig, runOnnx } from './helpers.js';

/** datasets/reviews.csv: 400 generated reviews (training/reviews-dataset.ts), sentiment labels. */
const text = readFileSync(new URL('../../datasets/reviews.csv', import.meta.url), 'utf8');

function split(): { train: string; test: string } {
  const { columns } = parseCsv(text);
  const labels = columns.find((c) => c.name === 'sentiment')?.values.map((v) => v ?? '');
  const s = splitRows(columns[0].values.length, { strategy: 'stratified', testSize: 0.25, seed: 0, labels });
  return { train: toCsv(columns, s.train), test: toCsv(columns, s.test) };
}

const job = (hp: Record<string, string> = {}, algorithm = 'logistic_regression') =>
  jobConfig('classification', algorithm, hp, { target: 'sentiment', dataset: 'reviews' });

describe('text features (TF-IDF inside the graph)', () => {
  const { train: trainCsv, test: testCsv } = split();
  const majority = () => {
    const y = parseCsv(testCsv).columns.find((c) => c.name === 'sentiment')?.values ?? [];
    const pos = y.filter((v) => v === 'positive').length;
    return Math.max(pos, y.length - pos) / y.length;
  };

  it('a text column is inferred, vectorized, and beats the majority class by a clear margin', async () => {
    const result = train(job({}, 'logistic_regression'), trainCsv, testCsv);
    const feature = result.contract.features.find((f) => f.name === 'text');
    expect(feature?.type).toBe('text');
    const baseline = majority();
    console.log(
      `reviews: logistic_regression accuracy ${result.metrics.score.toFixed(3)} vs majority ${baseline.toFixed(3)}`,
    );
    expect(result.metrics.score).toBeGreaterThanOrEqual(baseline + 0.15);
    // The ONNX model takes the raw strings on its `text` input and answers as the trainer does.
    expect(result.evaluatedFrame.text.some((t) => /[A-Z]/.test(t))).toBe(true);
    const out = await runOnnx(result.onnx, result.evaluatedFrame);
    expect(Array.from(out.label.data as BigInt64Array, Number)).toEqual(
      Array.from(result.predictions.labels ?? []),
    );
    const p = result.predictions.probabilities ?? new Float64Array();
    const q = out.probabilities.data as Float32Array;
    expect(Math.max(...p.map((v, i) => Math.abs(v - q[i])))).toBeLessThanOrEqual(1e-5);
  });

  it('a template joins columns into one text feature (binnr style), recorded in the contract', async () => {
    const template = 'Author: {author}, Review: {text}';
    const result = train(
      job({ cirrus_text: JSON.stringify({ template, name: 'review' }) }, 'linear_svc'),
      trainCsv,
      testCsv,
    );
    expect(result.contract.features.map((f) => f.name)).toEqual(['review']);
    expect(result.contract.features[0].source).toMatchObject({ columns: ['author', 'text'], template });
    expect(result.evaluatedFrame.text[0]).toMatch(/^Author: \w+, Review: /);
    expect(result.metrics.score).toBeGreaterThanOrEqual(majority() + 0.15);
    const out = await runOnnx(result.onnx, result.evaluatedFrame);
    expect(Array.from(out.label.data as BigInt64Array, Number)).toEqual(
      Array.from(result.predictions.labels ?? []),
    );
  });

  it('unseen words, empty and non-ASCII text score in the graph as in the trainer', async () => {
    const result = train(job({ cirrus_text: JSON.stringify({ ngrams: 1 }) }, 'ridge'), trainCsv, testCsv);
    const odd = [
      'author,text,sentiment',
      'zz,"",positive',
      'zz,"ÉTÉ great GREAT!!",negative',
      'zz,"qwerty zxcv",positive',
    ].join('\n');
    const more = train(job({ cirrus_text: JSON.stringify({ ngrams: 1 }) }, 'ridge'), trainCsv, odd);
    expect(result.metrics.score).toBeGreaterThan(0.6);
    const out = await runOnnx(more.onnx, more.evaluatedFrame);
    expect(Array.from(out.label.data as BigInt64Array, Number)).toEqual(
      Array.from(more.predictions.labels ?? []),
    );
    const p = more.predictions.probabilities ?? new Float64Array();
    const q = out.probabilities.data as Float32Array;
    expect(Math.max(...p.map((v, i) => Math.abs(v - q[i])))).toBeLessThanOrEqual(1e-5);
  });

  it('a template naming a missing column fails naming the field', () => {
    const bad = job({ cirrus_text: JSON.stringify({ template: 'By {writer}: {text}' }) });
    expect(() => train(bad, trainCsv, testCsv)).toThrow(/^cirrus_text\.template: no column 'writer'/);
  });
});
