import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/ml/random.js';
import { gradientBoosting } from '../../training/algorithms/trees/gbm/gradient-boosting.js';
import type { FitData } from '../../training/algorithms/types.js';

/** 12,000 x 20 rows: large enough that nodes cross the two-thread threshold. */
function synthetic(rows: number, cols: number, seed: number): FitData {
  const rng = createRng(seed);
  const data = Float64Array.from({ length: rows * cols }, () =>
    rng.next() < 0.05 ? Number.NaN : rng.normal(),
  );
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = data[r * cols] || 0;
    const b = data[r * cols + 1] || 0;
    y[r] = a * b + 0.5 * (data[r * cols + 2] || 0) + 0.3 * rng.normal() > 0 ? 1 : 0;
  }
  return { X: { data, rows, cols }, y, task: 'classification', nClasses: 2, seed };
}

describe('gradient_boosting histogram threads', () => {
  it('grows the same trees with one thread and with two (no races, same sums)', () => {
    const data = synthetic(12_000, 20, 4);
    const one = gradientBoosting.fit(data, gradientBoosting.params.parse({ max_iter: 8, threads: 1 }));
    const two = gradientBoosting.fit(data, gradientBoosting.params.parse({ max_iter: 8, threads: 2 }));
    const p1 = one.predict(data.X).probabilities!;
    const p2 = two.predict(data.X).probabilities!;
    expect(Array.from(p2)).toEqual(Array.from(p1));
    let hits = 0;
    const labels = two.predict(data.X).labels!;
    for (let i = 0; i < labels.length; i++) hits += labels[i] === data.y[i] ? 1 : 0;
    expect(hits / labels.length).toBeGreaterThan(0.8);
  });
});
