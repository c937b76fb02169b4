import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/ml/random.js';
import { gradientBoosting } from '../../training/algorithms/trees/gbm/gradient-boosting.js';
import { parallelTestHooks } from '../../training/algorithms/trees/gbm/parallel.js';
import type { FitData, FittedModel } from '../../training/algorithms/types.js';

/**
 * A process's first two-thread fit, with the worker held back at start-up: the order a loaded
 * machine produces by chance (the fit's first nodes, and its memory set-up, run before the
 * worker can answer). Its own file, so the fit is the first of a fresh test process.
 */
function data(rows: number, cols: number): FitData {
  const rng = createRng(11);
  const X = Float64Array.from({ length: rows * cols }, () => (rng.next() < 0.03 ? Number.NaN : rng.normal()));
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const score =
      (X[r * cols] || 0) * (X[r * cols + 1] || 0) + 0.5 * (X[r * cols + 2] || 0) + 0.3 * rng.normal();
    y[r] = score > 0 ? 1 : 0;
  }
  return { X: { data: X, rows, cols }, y, task: 'classification', nClasses: 2, seed: 3 };
}

/** Every tree's arrays and the output, bit for bit. */
function fingerprint(model: FittedModel): string {
  return JSON.stringify(model, (_key, v: unknown) =>
    ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : v,
  );
}

describe('gradient_boosting two-thread start-up', () => {
  it('grows the single-thread trees when the worker starts late in a fresh process', () => {
    const d = data(40_000, 12);
    const params = (threads: number) => gradientBoosting.params.parse({ max_iter: 15, threads });
    parallelTestHooks.workerStartDelayMs = 400;
    let two: FittedModel;
    try {
      two = gradientBoosting.fit(d, params(2));
    } finally {
      parallelTestHooks.workerStartDelayMs = 0;
    }
    const one = gradientBoosting.fit(d, params(1));
    expect(fingerprint(two)).toBe(fingerprint(one));
    expect(fingerprint(one).length).toBeGreaterThan(1000);
  });

  it('grows the single-thread trees when binning used the memory after the codes (few-bin first feature)', () => {
    // 20 columns: binning's float32 columns reach the histogram pool; a first feature of 6
    // values leaves most of its slots to the pool's zeroes, which the late worker's first
    // (single-thread) root histogram sums in its totals.
    const d = data(40_000, 20);
    for (let r = 0; r < d.X.rows; r++) d.X.data[r * 20] = r % 6;
    const params = (threads: number) => gradientBoosting.params.parse({ max_iter: 5, threads });
    parallelTestHooks.workerStartDelayMs = 400;
    let two: FittedModel;
    try {
      two = gradientBoosting.fit(d, params(2));
    } finally {
      parallelTestHooks.workerStartDelayMs = 0;
    }
    expect(fingerprint(two)).toBe(fingerprint(gradientBoosting.fit(d, params(1))));
  });
});
