import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/ml/random.js';
import { binaryLogistic, squaredError } from '../../training/algorithms/trees/gbm/loss.js';

describe('gradient boosting losses: gradient pairs in one pass', () => {
  it.each([
    ['binary logistic', binaryLogistic],
    ['squared error', squaredError],
  ] as const)('%s writes exactly the gradients and hessians of `gradients`, side by side', (_, loss) => {
    const n = 1000;
    const rng = createRng(11);
    const y = Float64Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
    const raw = Float64Array.from({ length: n }, () => 3 * rng.normal());
    const [grad, hess] = [new Float64Array(n), new Float64Array(n).fill(1)];
    loss.gradients(y, raw, grad, hess);
    const pairs = new Float64Array(2 * n);
    loss.pairs!(y, raw, pairs, 0, y.length);
    expect(Array.from(pairs)).toEqual(Array.from({ length: 2 * n }, (_, i) => (i % 2 ? hess : grad)[i >> 1]));
  });
});
