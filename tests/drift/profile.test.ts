import { describe, expect, it } from 'vitest';
import { BaselineProfileSchema } from '../../contracts/drift.js';
import { buildBaselineProfile, numericMetrics, parseBaselineProfile } from '../../core/drift/index.js';
import { Reservoir } from '../../core/drift/sketches/reservoir.js';
import { chiSquareTest } from '../../core/drift/stats/categorical.js';
import { ValidationError } from '../../core/errors.js';

const features = [
  { name: 'x', type: 'numeric' as const },
  { name: 'k', type: 'numeric' as const },
  { name: 'color', type: 'categorical' as const },
];

function smallInput() {
  return {
    task: 'classification' as const,
    seed: 7,
    features,
    columns: {
      x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, null],
      k: [0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1],
      color: ['red', 'blue', 'red', null, 'green', 'red', 'blue', 'red', 'red', 'green', 'red'],
    },
    predictions: ['a', 'b', 'a', 'a', 'b', 'a', 'a', 'b', 'a', 'a', 'b'],
    metrics: { accuracy: 0.9, f1: 0.88 },
  };
}

describe('buildBaselineProfile', () => {
  it('profiles numeric columns: moments, numpy-linear quantiles, deciles, missing rate', () => {
    const profile = buildBaselineProfile(smallInput());
    const x = profile.features[0];
    if (x.type !== 'numeric') throw new Error('x should be numeric');
    expect(profile.rowCount).toBe(11);
    expect(x.count).toBe(10);
    expect(x.missing).toBe(1);
    expect(x.missingRate).toBeCloseTo(1 / 11, 12);
    expect(x.mean).toBeCloseTo(5.5, 12);
    expect(x.std).toBeCloseTo(Math.sqrt(8.25), 12); // population variance of 1..10
    expect(x.quantiles.find((q) => q.q === 0.25)?.value).toBeCloseTo(3.25, 12); // numpy.quantile(1..10, .25)
    expect(x.quantiles.find((q) => q.q === 0.5)?.value).toBeCloseTo(5.5, 12);
    expect(x.histogram.counts.reduce((a, b) => a + b, 0)).toBe(10);
    expect(x.histogram.counts).toHaveLength(x.histogram.edges.length + 1);
    expect(x.sample.values).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(x.distinctCount).toBe(10);
    expect(x.valueCounts?.['10']).toBe(1);
  });

  it('keeps exact value counts and tied decile edges for a binary numeric column', () => {
    const k = buildBaselineProfile(smallInput()).features[1];
    if (k.type !== 'numeric') throw new Error('k should be numeric');
    expect(k.valueCounts).toEqual({ '0': 4, '1': 7 });
    expect(k.histogram.edges).toEqual([0, 1]);
    expect(k.histogram.counts).toEqual([4, 7, 0]);
  });

  it('counts categories, predictions and keeps the metrics', () => {
    const profile = buildBaselineProfile(smallInput());
    const color = profile.features[2];
    expect(color).toMatchObject({ type: 'categorical', count: 10, missing: 1, distinctCount: 3 });
    if (color.type !== 'categorical') throw new Error('color should be categorical');
    expect(color.frequencies).toEqual({ blue: 2, green: 2, red: 6 });
    expect(profile.prediction).toMatchObject({ type: 'categorical', frequencies: { a: 7, b: 4 } });
    expect(profile.metrics).toEqual({ accuracy: 0.9, f1: 0.88 });
  });

  it('profiles regression predictions as numbers', () => {
    const profile = buildBaselineProfile({
      ...smallInput(),
      task: 'regression',
      predictions: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    });
    expect(profile.prediction.type).toBe('numeric');
  });

  it('survives JSON and the schema, and is the same for the same seed', () => {
    const first = buildBaselineProfile(smallInput());
    const again = parseBaselineProfile(JSON.parse(JSON.stringify(first)));
    expect(again).toEqual(first);
    expect(buildBaselineProfile(smallInput())).toEqual(first);
  });

  it('caps the reservoir and estimates histogram counts from it for large columns', () => {
    const n = 20_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const profile = buildBaselineProfile({
      task: 'regression',
      seed: 3,
      features: [{ name: 'x', type: 'numeric' }],
      columns: { x },
      predictions: x,
      metrics: {},
    });
    const feature = profile.features[0];
    if (feature.type !== 'numeric') throw new Error('x should be numeric');
    expect(feature.sample.values).toHaveLength(5000);
    expect(feature.distinctCapped).toBe(true);
    expect(feature.distinctCount).toBe(1000);
    expect(feature.valueCounts).toBeUndefined();
    expect(feature.histogram.counts.reduce((a, b) => a + b, 0)).toBeCloseTo(n, 6);
    // Deciles of a uniform 0..19999 sample sit near 2000, 4000, ...
    for (const [i, edge] of feature.histogram.edges.entries())
      expect(Math.abs(edge - 2000 * (i + 1))).toBeLessThan(400);
    expect(BaselineProfileSchema.safeParse(profile).success).toBe(true);
  });

  it('names the column in the error when a column is missing or has the wrong length', () => {
    const input = smallInput();
    expect(() => buildBaselineProfile({ ...input, columns: { ...input.columns, x: [1, 2] } })).toThrow(
      ValidationError,
    );
    expect(() =>
      buildBaselineProfile({ ...input, columns: { k: input.columns.k, color: input.columns.color } }),
    ).toThrow(/missing column 'x'/);
  });

  it('rejects a stored baseline that breaks the schema, naming the field', () => {
    const broken = { ...buildBaselineProfile(smallInput()), rowCount: -1 };
    expect(() => parseBaselineProfile(broken)).toThrow(ValidationError);
    expect(() => parseBaselineProfile(broken)).toThrow(/baseline\.rowCount/);
  });
});

describe('numericMetrics', () => {
  it('keeps finite numbers only', () => {
    expect(
      numericMetrics({ accuracy: 0.9, classes: ['a'], rocAuc: undefined, logLoss: Number.NaN, n: 30 }),
    ).toEqual({
      accuracy: 0.9,
      n: 30,
    });
  });
});

describe('Reservoir', () => {
  it('samples a long stream uniformly (chi-square over deciles) and deterministically', () => {
    const draw = (seed: number) => {
      const reservoir = new Reservoir(2000, seed);
      for (let i = 0; i < 200_000; i++) reservoir.add(i);
      return reservoir.sorted();
    };
    const sample = draw(5);
    expect(sample).toHaveLength(2000);
    const deciles = new Array<number>(10).fill(0);
    for (const v of sample) deciles[Math.floor(v / 20_000)]++;
    // A biased sampler (e.g. one that favours early items) fails this by a wide margin.
    expect(chiSquareTest(deciles).pValue).toBeGreaterThan(0.001);
    expect(new Set(sample).size).toBe(2000);
    expect(draw(5)).toEqual(sample);
    expect(draw(6)).not.toEqual(sample);
  });
});

describe('NumericWindow', () => {
  it('reads the current histogram off the KS slots exactly as binning each value would', async () => {
    const { NumericWindow } = await import('../../core/drift/sketches/numeric-window.js');
    const { binIndex } = await import('../../core/drift/sketches/values.js');
    const ref = Array.from({ length: 300 }, (_, i) => Math.round(Math.sin(i) * 50) / 10);
    const profile = buildBaselineProfile({
      task: 'regression',
      seed: 1,
      features: [{ name: 'x', type: 'numeric' }],
      columns: { x: ref },
      predictions: ref,
      metrics: {},
    }).features[0];
    if (profile.type !== 'numeric') throw new Error('x should be numeric');
    const current = Array.from({ length: 5000 }, (_, i) => Math.round(Math.cos(i * 0.7) * 70) / 10);
    const expected = new Array<number>(profile.histogram.edges.length + 1).fill(0);
    for (const v of current) expected[binIndex(profile.histogram.edges, v)]++;
    for (const referenceRows of [300, 5000]) {
      const window = new NumericWindow(profile, { referenceRows, sampleSize: 1000, seed: 1 });
      for (const v of current) window.add(v);
      expect(window.histogram()).toEqual(expected);
    }
  });
});
