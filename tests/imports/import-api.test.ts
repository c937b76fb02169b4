import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api/fixtures.js';
import { base64, csvInstances, DIABETES_REFERENCE, EXPECTED, fixture, IRIS_CSV } from './fixtures.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ endpointTtlMs: 0 });
});
afterAll(() => api?.close());

const IRIS_CLASSES = ['0', '1', '2'];

interface Case {
  readonly file: string;
  readonly model: string;
  readonly options: Record<string, unknown>;
  readonly csv: string;
}

const CASES: Case[] = [
  { file: 'skl-logreg-zipmap.onnx', model: 'skl-zipmap', options: { target: 'target' }, csv: IRIS_CSV },
  { file: 'skl-logreg-tensor.onnx', model: 'skl-tensor', options: { target: 'target' }, csv: IRIS_CSV },
  {
    file: 'torch-mlp-logits.onnx',
    model: 'torch-mlp',
    options: { target: 'target', scores: 'logits', classes: IRIS_CLASSES },
    csv: IRIS_CSV,
  },
  {
    file: 'skl-linreg-columns.onnx',
    model: 'skl-linreg',
    options: { target: 'target' },
    csv: DIABETES_REFERENCE,
  },
  {
    file: 'helper-linreg-double.onnx',
    model: 'helper-linreg',
    options: { target: 'target' },
    csv: DIABETES_REFERENCE,
  },
];

async function importFile(model: string, file: string, body: Record<string, unknown>) {
  return api.call('POST', `/v1/models/${model}/import`, {
    onnxBase64: base64(fixture(file)),
    fileName: file,
    ...body,
  });
}

describe('importing ONNX models over the API', () => {
  it.each(CASES)('$file: imported, champion, and answers as its exporter did', async (c) => {
    const res = await importFile(c.model, c.file, { referenceCsv: c.csv, ...c.options });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.deployment).toMatchObject({ promoted: true, champion: 1, policy: 'best_score' });
    expect(res.body.version.source).toMatchObject({ kind: 'import', fileName: c.file });
    expect(Number.isFinite(res.body.version.score)).toBe(true);

    const instances = csvInstances(c.csv, EXPECTED.rows);
    const predicted = await api.call('POST', `/v1/endpoints/${c.model}/predict`, { instances });
    expect(predicted.status, JSON.stringify(predicted.body)).toBe(200);
    const want = EXPECTED.outputs[c.file];
    predicted.body.predictions.forEach((p: Record<string, unknown>, i: number) => {
      if (want.value) {
        expect(p.value as number).toBeCloseTo(want.value[i], 1);
        return;
      }
      expect(p.label).toBe(IRIS_CLASSES[want.label?.[i] ?? -1]);
      const probs = p.probabilities as Record<string, number>;
      IRIS_CLASSES.forEach((k, j) =>
        expect(probs[k]).toBeCloseTo(want.probabilities?.[i][j] ?? Number.NaN, 4),
      );
    });
  });

  it('names the producer, the opsets and the adapter in the lineage and model card', async () => {
    const version = await api.call('GET', '/v1/models/skl-zipmap/versions/1');
    expect(version.body.source).toMatchObject({
      producerName: 'skl2onnx-shaped (onnx.helper)',
      opsets: { 'ai.onnx': 15, 'ai.onnx.ml': 1 },
      referenceRows: 150,
    });
    expect(version.body.source.adapter.join('; ')).toContain("dropped ZipMap 'output_probability'");
    expect(version.body.contract.classes).toEqual(IRIS_CLASSES);
    expect(version.body.contract.features.map((f: { name: string }) => f.name)).toEqual([
      'sepal length (cm)',
      'sepal width (cm)',
      'petal length (cm)',
      'petal width (cm)',
    ]);
    const card = await api.call('GET', '/v1/models/skl-zipmap/versions/1/card');
    expect(card.status).toBe(200);
    const tags = card.body.tags.map((t: { tagFQN: string }) => t.tagFQN);
    expect(tags).toContain('CirrusProducer."skl2onnx-shaped (onnx.helper) 1.12.0"');
    expect(tags).toContain('CirrusOpset."ai.onnx.ml=1"');
    expect(tags.some((t: string) => t.startsWith('CirrusImport.import-'))).toBe(true);
  });

  it('runs best_score on a second import: the weaker model stays out', async () => {
    const res = await importFile('skl-zipmap', 'skl-logreg-tensor.onnx', {
      referenceCsv: IRIS_CSV,
      target: 'target',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.version.version).toBe(2);
    expect(res.body.version.score).toBeLessThan(
      (await api.call('GET', '/v1/models/skl-zipmap/versions/1')).body.score,
    );
    expect(res.body.deployment).toMatchObject({ promoted: false, champion: 1 });
  });

  it('imports without a reference set: a generated row is checked, feature names asked for', async () => {
    const missing = await importFile('no-ref', 'skl-logreg-zipmap.onnx', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ field: 'features' });
    const res = await importFile('no-ref', 'skl-logreg-zipmap.onnx', { features: ['a', 'b', 'c', 'd'] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.version.score).toBeUndefined();
    expect(res.body.deployment).toMatchObject({ policy: 'most_recent', champion: 1 });
    const bestScore = await importFile('no-ref', 'skl-logreg-zipmap.onnx', {
      features: ['a', 'b', 'c', 'd'],
      policy: 'best_score',
    });
    expect(bestScore.status).toBe(400);
    expect(bestScore.body.error.field).toBe('policy');
  });

  it('uploads through presigned S3 URLs (the AWS path for large files) against the S3 emulator', async () => {
    const uploads = await api.call('POST', '/v1/models/uploaded/import/uploads');
    expect(uploads.status, JSON.stringify(uploads.body)).toBe(200);
    for (const [target, body] of [
      [uploads.body.onnx, fixture('torch-mlp-logits.onnx')],
      [uploads.body.reference, IRIS_CSV],
    ] as const) {
      const put = await fetch(target.url, { method: 'PUT', body });
      expect(put.status, await put.text()).toBe(200);
    }
    const res = await api.call('POST', '/v1/models/uploaded/import', {
      onnxKey: uploads.body.onnx.key,
      referenceKey: uploads.body.reference.key,
      target: 'target',
      scores: 'logits',
      classes: IRIS_CLASSES,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.version.metrics.accuracy).toBeGreaterThan(0.9);
  });
});

describe('refusals name their reason and register nothing', () => {
  const refusals: [string, string, Record<string, unknown>, string, RegExp][] = [
    ['not ONNX', 'bad-not-onnx.onnx', { features: ['a', 'b'] }, 'file', /not an ONNX model/],
    ['unsupported opset', 'bad-opset.onnx', { features: ['a', 'b'] }, 'opset', /opset/],
    ['unsupported operator', 'bad-operator.onnx', { features: ['a', 'b'] }, 'operator', /Frobnicate/],
    ['unmatched input rank', 'bad-rank.onnx', { features: ['a', 'b', 'c', 'd'] }, 'inputs', /rank 3/],
    [
      'outputs contradicting the task',
      'skl-linreg-columns.onnx',
      { task: 'classification' },
      'outputs',
      /contradicts task classification/,
    ],
    [
      'a regressor declared over a classifier',
      'skl-logreg-zipmap.onnx',
      { task: 'regression', features: ['a', 'b', 'c', 'd'] },
      'outputs',
      /contradicts task regression/,
    ],
    ['NaN prediction', 'bad-nan.onnx', { features: ['a', 'b'] }, 'reference', /predicts value NaN/],
    [
      'logits declared as probabilities',
      'torch-mlp-logits.onnx',
      { scores: 'probabilities', classes: IRIS_CLASSES, referenceCsv: IRIS_CSV, target: 'target' },
      'scores',
      /sum to/,
    ],
    [
      'logits without saying so',
      'torch-mlp-logits.onnx',
      { classes: IRIS_CLASSES, referenceCsv: IRIS_CSV, target: 'target' },
      'scores',
      /logits or probabilities/,
    ],
  ];
  it.each(refusals)('%s', async (_why, file, options, field, message) => {
    const res = await importFile('refused', file, options);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(res.body.error.message).toMatch(message);
    expect((await api.call('GET', '/v1/models/refused')).status).toBe(404);
  });
});
