import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { buildInputTensors, decodeOutputs } from '../../core/ml/onnx-io.js';
import { normalizeRequest } from '../../core/serving/request-rows.js';
import {
  classifierContract,
  regressorContract,
  tinyClassifierBytes,
  tinyRegressorBytes,
} from './fixtures/tiny-models.js';

const names = classifierContract.features.map((f) => f.name);

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

function build(body: unknown) {
  return buildInputTensors(classifierContract, normalizeRequest(body, names));
}

describe('buildInputTensors', () => {
  it('groups features by type in contract order', () => {
    const feeds = build({
      instances: [
        { x1: 1, color: 'red', x2: 2 },
        { x1: 3, color: 'blue', x2: null },
      ],
    });
    expect(feeds.numeric.dims).toEqual([2, 2]);
    expect(Array.from(feeds.numeric.data as Float32Array)).toEqual([1, 2, 3, Number.NaN]);
    expect(feeds.categorical.dims).toEqual([2, 1]);
    expect(feeds.categorical.data).toEqual(['red', 'blue']);
    expect(feeds.text).toBeUndefined();
  });

  it('names a missing feature with its row', () => {
    const rows: Record<string, unknown>[] = Array.from({ length: 5 }, () => ({ x1: 1, color: 'red', x2: 2 }));
    delete rows[3].x2;
    const err = errorOf(() => build({ instances: rows }));
    expect(err.field).toBe('instances[3].x2');
    expect(err.message).toMatch(/missing feature/);
  });

  it('names an extra feature', () => {
    const err = errorOf(() => build({ features: { x1: 1, color: 'red', x2: 2, age: 4 } }));
    expect(err.field).toBe('features.age');
    expect(err.message).toMatch(/unknown feature/);
  });

  it('names a mistyped numeric feature', () => {
    const err = errorOf(() => build({ features: { x1: '1.5', color: 'red', x2: 2 } }));
    expect(err.field).toBe('features.x1');
    expect(err.message).toMatch(/must be a number/);
  });

  it('rejects NaN and Infinity but accepts null for a missing numeric', () => {
    expect(errorOf(() => build({ features: { x1: Number.NaN, color: 'red', x2: 2 } })).field).toBe(
      'features.x1',
    );
    expect(
      errorOf(() => build({ instances: [{ x1: 1, color: 'red', x2: Number.POSITIVE_INFINITY }] })).field,
    ).toBe('instances[0].x2');
    expect(() => build({ features: { x1: null, color: 'red', x2: 2 } })).not.toThrow();
  });

  it('rejects an object where a category is expected', () => {
    expect(errorOf(() => build({ dataframe_records: [{ x1: 1, color: { a: 1 }, x2: 2 }] })).field).toBe(
      'dataframe_records[0].color',
    );
  });

  it('runs a real classifier and decodes class names and probabilities', async () => {
    const session = await ort.InferenceSession.create(tinyClassifierBytes());
    const source = normalizeRequest(
      {
        instances: [
          { x1: 5, color: 'red', x2: 1 },
          { x1: 0, color: 'red', x2: 4 },
          { x1: null, color: 'blue', x2: 1 },
        ],
      },
      names,
    );
    const out = await session.run(buildInputTensors(classifierContract, source));
    expect(out.label.data).toBeInstanceOf(BigInt64Array);
    const preds = decodeOutputs(classifierContract, out, 3);
    expect(preds.map((p) => p.label)).toEqual(['yes', 'no', 'yes']);
    expect(Object.keys(preds[0].probabilities ?? {})).toEqual(['no', 'yes']);
    expect(preds[0].probabilities?.yes).toBeCloseTo(1 / (1 + Math.exp(-4)), 5);
  });

  it('decodes a regressor value', async () => {
    const session = await ort.InferenceSession.create(tinyRegressorBytes());
    const source = normalizeRequest(
      {
        inputs: [
          [1, 2],
          [3, 0],
        ],
      },
      ['a', 'b'],
    );
    const out = await session.run(buildInputTensors(regressorContract, source));
    expect(decodeOutputs(regressorContract, out, 2)).toEqual([{ value: 5 }, { value: 7 }]);
  });
});
