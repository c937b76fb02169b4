import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraph } from '../../core/ml/onnx/index.js';
import { WARMUP_MODEL, warmUpOnnxRuntime } from '../../core/serving/ort-warmup.js';

// The predict function's onnxruntime warm-up model (core/serving/ort-warmup.ts).

describe('onnxruntime warm-up', () => {
  it('is the identity model OnnxGraph writes', () => {
    const g = new OnnxGraph('warm');
    const x = g.input('x', { type: 'FLOAT', dims: [1] });
    const [y] = g.node('Identity', [x]);
    g.output(y, 'y', { type: 'FLOAT', dims: [1] });
    expect(Buffer.from(g.toBytes()).equals(WARMUP_MODEL)).toBe(true);
  });

  it('loads in onnxruntime and answers its input', async () => {
    const session = await ort.InferenceSession.create(WARMUP_MODEL);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(2.5), [1]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([2.5]);
    await session.release();
  });

  it('runs once per process and resolves', async () => {
    const first = warmUpOnnxRuntime();
    expect(warmUpOnnxRuntime()).toBe(first);
    await expect(first).resolves.toBeUndefined();
  });
});
