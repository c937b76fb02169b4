import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attr, OnnxGraph } from '../../core/ml/onnx/index.js';

describe('OnnxGraph', () => {
  it('builds a Gemm + Softmax graph that onnxruntime-node loads and runs', async () => {
    const g = new OnnxGraph('t');
    const x = g.input('numeric', { type: 'FLOAT', dims: ['N', 2] });
    const w = g.constant('W', { type: 'FLOAT', data: [1, 0, 0, 1], dims: [2, 2] });
    const b = g.constant('B', { type: 'FLOAT', data: [0.5, -0.5], dims: [2] });
    const [logits] = g.node('Gemm', [x, w, b]);
    const [p] = g.node('Softmax', [logits], { axis: attr.int(1) });
    const [label] = g.node('ArgMax', [p], { axis: attr.int(1), keepdims: attr.int(0) });
    g.output(p, 'probabilities', { type: 'FLOAT', dims: ['N', 2] });
    g.output(label, 'label', { type: 'INT64', dims: ['N'] });
    const session = await ort.InferenceSession.create(g.toBytes({ metadata: { k: 'v' } }));
    const out = await session.run({
      numeric: new ort.Tensor('float32', Float32Array.from([3, 1, 0, 2]), [2, 2]),
    });
    expect(Array.from(out.label.data as BigInt64Array)).toEqual([0n, 1n]);
    const probs = out.probabilities.data as Float32Array;
    expect(probs[0]).toBeCloseTo(Math.exp(3.5) / (Math.exp(3.5) + Math.exp(0.5)), 5);
  });

  it('builds an ai.onnx.ml Imputer + Scaler chain and declares the ml opset', async () => {
    const g = new OnnxGraph('t');
    const x = g.input('numeric', { type: 'FLOAT', dims: ['N', 2] });
    const [imp] = g.mlNode('Imputer', [x], {
      imputed_value_floats: attr.floats([10, 20]),
      replaced_value_float: attr.float(Number.NaN),
    });
    const [scaled] = g.mlNode('Scaler', [imp], { offset: attr.floats([0, 0]), scale: attr.floats([2, 0.5]) });
    g.output(scaled, 'variable', { type: 'FLOAT', dims: ['N', 2] });
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({
      numeric: new ort.Tensor('float32', Float32Array.from([1, Number.NaN]), [1, 2]),
    });
    expect(Array.from(out.variable.data as Float32Array)).toEqual([2, 10]);
  });

  it('takes string inputs for a one-hot encoder', async () => {
    const g = new OnnxGraph('t');
    const x = g.input('categorical', { type: 'STRING', dims: ['N', 1] });
    const [oh] = g.mlNode('OneHotEncoder', [x], {
      cats_strings: attr.strings(['a', 'b']),
      zeros: attr.int(1),
    });
    g.output(oh, 'variable', { type: 'FLOAT', dims: ['N', 1, 2] });
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({ categorical: new ort.Tensor('string', ['b', 'zzz'], [2, 1]) });
    expect(Array.from(out.variable.data as Float32Array)).toEqual([0, 1, 0, 0]);
  });
});
