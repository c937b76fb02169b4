import { describe, expect, it } from 'vitest';
import type { PredictionLogRecord } from '../../contracts/serving.js';
import { recordRows } from '../../core/drift/logged-rows.js';
import { loggedPrediction } from '../../core/drift/prediction-value.js';
import { predictionValue } from '../../core/pipeline/score-csv.js';

const base: PredictionLogRecord = {
  requestId: 'r',
  endpoint: 'e',
  model: 'm',
  version: 1,
  variant: 'champion',
  shadow: false,
  rowCount: 2,
  latencyMs: 1,
  at: '2030-01-01T00:00:00.000Z',
};

describe('logged rows as drift reads them', () => {
  it('maps predictions exactly as the baseline (Evaluate) does', () => {
    const samples = [
      { label: 'setosa', probabilities: { setosa: 1 } },
      { label: 2 },
      { value: 3.5 },
      { cluster: 4, distances: [0.1] },
      {},
    ];
    for (const p of samples) expect(loggedPrediction(p)).toEqual(predictionValue(p));
  });

  it('pairs each row with its output and its feedback', () => {
    const rows = recordRows({
      ...base,
      inputs: [{ x: 1 }, { x: 2 }],
      outputs: [{ label: 'a' }, { label: 'b' }],
      actual: ['a', 'a'],
    });
    expect(rows).toEqual([
      { features: { x: 1 }, prediction: 'a', actual: 'a' },
      { features: { x: 2 }, prediction: 'b', actual: 'a' },
    ]);
    const single = recordRows({
      ...base,
      rowCount: 1,
      inputs: [{ x: 1 }],
      outputs: [{ value: 2 }],
      actual: 2.5,
    });
    expect(single).toEqual([{ features: { x: 1 }, prediction: 2, actual: 2.5 }]);
    expect(recordRows({ ...base, inputs: [{ x: 1 }], outputs: [{ value: 2 }] })[0]).not.toHaveProperty(
      'actual',
    );
  });
});
