import { describe, expect, it } from 'vitest';
import { ALL_IMPLEMENTATIONS } from '../../training/algorithms/index.js';
import { transform } from '../../training/preprocess.js';
import { train } from '../../training/train.js';
import { BUILTIN, datasetText, jobConfig, runOnnx, splitText } from './helpers.js';

/**
 * Parity: onnxruntime-node's answers from model.onnx equal the trainer's own predictions on the
 * held-out rows. Labels must be identical. Probabilities are compared within 1e-5 absolute;
 * regression values within 1e-5 relative to their magnitude, because the graph computes in
 * float32 (24-bit mantissa: a diabetes value near 300 is only representable to ~2e-5).
 * Iterates over every registered implementation, so new algorithms are covered when they land.
 */
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, relative: boolean): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / (relative ? Math.max(1, Math.abs(b[i])) : 1);
    worst = Math.max(worst, Number.isNaN(d) ? Number.POSITIVE_INFINITY : d);
  }
  return worst;
}

async function checkParity(result: ReturnType<typeof train>) {
  const out = await runOnnx(result.onnx, result.evaluatedFrame);
  const p = result.predictions;
  if (result.contract.task === 'classification') {
    const labels = Array.from(out.label.data as BigInt64Array, Number);
    expect(out.probabilities.dims).toEqual([result.evaluatedFrame.rows, result.contract.classes?.length]);
    expect(labels).toEqual(Array.from(p.labels ?? []));
    expect(maxAbsDiff(out.probabilities.data as Float32Array, p.probabilities ?? [], false)).toBeLessThan(
      1e-5,
    );
  } else {
    expect(out.variable.dims).toEqual([result.evaluatedFrame.rows, 1]);
    expect(maxAbsDiff(out.variable.data as Float32Array, p.values ?? [], true)).toBeLessThan(1e-5);
  }
}

describe('model.onnx parity with the trainer', () => {
  const cases = BUILTIN.flatMap((d) =>
    ALL_IMPLEMENTATIONS.filter((a) => a.tasks.includes(d.task)).map((a) => ({
      dataset: d.name,
      task: d.task,
      algorithm: a.name,
    })),
  );
  console.log(`parity cases: ${cases.map((c) => `${c.algorithm}/${c.dataset}`).join(', ')}`);

  it.each(cases)(
    '$algorithm on $dataset: same labels, probabilities and values',
    async ({ dataset, task, algorithm }) => {
      const { train: trainCsv, test: testCsv } = splitText(datasetText(dataset), task);
      const result = train(jobConfig(task, algorithm, {}, { dataset }), trainCsv, testCsv);
      expect(result.evaluatedFrame.rows).toBeGreaterThan(0);
      await checkParity(result);
    },
  );
});

/** A small generated CSV with missing numbers and a categorical column (unseen values too). */
function mixedCsv(task: 'classification' | 'regression'): { train: string; test: string } {
  const colors = ['red', 'green', 'blue'];
  const lines = (n: number, offset: number, unseen: boolean) =>
    Array.from({ length: n }, (_, i) => {
      const r = i + offset;
      const x1 = r % 7 === 0 ? '' : ((r * 37) % 101) / 10;
      const x2 = r % 5 === 0 ? 'NA' : ((r * 53) % 89) / 7 - 5;
      const color = unseen && r % 6 === 0 ? 'purple' : r % 11 === 0 ? '' : colors[r % 3];
      const score =
        Number(x1 || 5) +
        (color === 'red' ? 4 : color === 'blue' ? -3 : 0) +
        Number(x2 === 'NA' ? 0 : x2) / 2;
      const target =
        task === 'classification' ? (score > 6 ? 'high' : score > 2 ? 'mid' : 'low') : score.toFixed(3);
      return `${x1},${x2},${color},${target}`;
    });
  const header = 'x1,x2,color,target';
  return {
    train: [header, ...lines(120, 0, false)].join('\n'),
    test: [header, ...lines(40, 1000, true)].join('\n'),
  };
}

describe('preprocessing inside the graph', () => {
  const cases = (['classification', 'regression'] as const).flatMap((task) =>
    ALL_IMPLEMENTATIONS.filter((a) => a.tasks.includes(task)).map((a) => ({ task, algorithm: a.name })),
  );

  it.each(cases)(
    '$algorithm ($task) imputes missing numbers and one-hot encodes categories in model.onnx',
    async ({ task, algorithm }) => {
      const data = mixedCsv(task);
      const result = train(jobConfig(task, algorithm), data.train, data.test);
      const color = result.contract.features.find((f) => f.name === 'color');
      expect(color?.type).toBe('categorical');
      expect(color?.categories).toEqual(['blue', 'green', 'red']);
      expect(result.evaluatedFrame.numeric.some(Number.isNaN)).toBe(true);
      expect(result.evaluatedFrame.categorical).toContain('purple');
      await checkParity(result);
    },
  );

  it('feeds the imputed mean and the one-hot columns to the model', () => {
    const data = mixedCsv('regression');
    const result = train(jobConfig('regression', 'linear_regression'), data.train, data.test);
    const { preprocessor: pre, evaluatedFrame: frame } = result;
    const X = transform(pre, frame);
    expect(X.cols).toBe(2 + 3);
    const missingRow = Array.from({ length: frame.rows }, (_, r) => r).find((r) =>
      Number.isNaN(frame.numeric[r * 2]),
    );
    expect(missingRow).toBeDefined();
    expect(X.data[(missingRow ?? 0) * X.cols]).toBe(pre.means[0]);
    const purpleRow = frame.categorical.indexOf('purple');
    expect(Array.from(X.data.subarray(purpleRow * X.cols + 2, purpleRow * X.cols + 5))).toEqual([0, 0, 0]);
    const redRow = frame.categorical.indexOf('red');
    expect(Array.from(X.data.subarray(redRow * X.cols + 2, redRow * X.cols + 5))).toEqual([0, 0, 1]);
  });
});
