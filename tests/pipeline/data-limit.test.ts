import { beforeAll, describe, expect, it } from 'vitest';
import { getRun } from '../../core/tracking/index.js';
import { registerDataset } from '../../core/datasets/index.js';
import { STATE_DATA_LIMIT_BYTES } from '../../local/stepfunctions/data-limit.js';
import { outputOf, type State, trainingRequest, usePipelineHarness } from './harness.js';

// Step Functions' 256 KiB state-data limit, enforced by the local runtime at every task
// boundary, on the real ASL files, real handlers and the real trainer.
const harness = usePipelineHarness();
const CLASSES = 100;
const ALGORITHMS = ['logistic_regression', 'ridge', 'decision_tree', 'knn', 'naive_bayes', 'dummy'];
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

/** 100 classes, 8 rows each, two informative features and two of noise (seeded LCG). */
function hundredClassCsv(): string {
  let seed = 11;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 0.2;
  const rows: string[] = [];
  for (let c = 0; c < CLASSES; c += 1) {
    for (let r = 0; r < 8; r += 1) {
      const x = [c % 10, Math.floor(c / 10), noise() * 50, noise() * 50].map((v, i) =>
        i < 2 ? v + noise() : v,
      );
      rows.push(`${x.map((v) => v.toFixed(4)).join(',')},class_${String(c).padStart(3, '0')}`);
    }
  }
  return `a,b,c,d,label\n${rows.join('\n')}\n`;
}

beforeAll(async () => {
  await registerDataset(harness.deps(), {
    name: 'hundred',
    csv: new TextEncoder().encode(hundredClassCsv()),
  });
});

describe('state data under the 256 KiB limit', () => {
  it(`sweeps ${ALGORITHMS.length} algorithms over ${CLASSES} classes; the gathered variants stay small`, async () => {
    let pickBestInput: State | undefined;
    const { submit } = harness.pipelines({
      wrap: {
        PickBest: (real) => async (payload) => {
          pickBestInput = payload as State;
          return real(payload);
        },
      },
    });

    const result = await submit(
      trainingRequest({
        experiment: 'hundred',
        dataset: { name: 'hundred' },
        target: 'label',
        algorithm: ALGORITHMS,
      }),
    );

    expect(result.status, `${result.error}: ${result.cause}`).toBe('SUCCEEDED');
    const variants: State[] = pickBestInput?.variants ?? [];
    expect(variants.map((v) => v.status)).toEqual(ALGORITHMS.map(() => 'SUCCEEDED'));
    // Each variant carries scalars and URIs, small enough for a 20-algorithm sweep of this data.
    const largest = Math.max(...variants.map(bytes));
    expect(largest * 20).toBeLessThan(STATE_DATA_LIMIT_BYTES);
    // The confusion matrix is not in the state, but the run still records all of it (from S3).
    expect(JSON.stringify(variants)).not.toContain('confusionMatrix');
    const run = await getRun(harness.deps(), { runId: variants[0]!.run.runId });
    const matrix = (run.metrics as { confusionMatrix: number[][] }).confusionMatrix;
    expect(matrix).toHaveLength(CLASSES);
    expect(matrix.every((row) => row.length === CLASSES)).toBe(true);
  }, 600_000);

  it('fails the execution with States.DataLimitExceeded, which States.ALL does not catch, when a task answers more', async () => {
    let markedFailed = 0;
    const { submit } = harness.pipelines({
      wrap: {
        Register: (real) => async (payload) => ({
          ...((await real(payload)) as object),
          padding: 'x'.repeat(STATE_DATA_LIMIT_BYTES),
        }),
        MarkFailed: (real) => async (payload) => {
          markedFailed += 1;
          return real(payload);
        },
      },
    });

    const result = await submit(
      trainingRequest({
        experiment: 'hundred-one',
        dataset: { name: 'hundred' },
        target: 'label',
        algorithm: 'naive_bayes',
      }),
    );

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.DataLimitExceeded');
    expect(result.cause).toMatch(
      /^Register: the state's result is \d+ bytes, over the 262144-byte \(256 KiB\) limit/,
    );
    expect(markedFailed).toBe(0);
    expect(outputOf(result).registration).toBeUndefined();
  }, 300_000);
});
