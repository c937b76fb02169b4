import { describe, expect, it } from 'vitest';
import { classificationMetrics } from '../../core/ml/metrics.js';

describe('balanced accuracy', () => {
  it('averages recall over the classes present in y_true, as scikit-learn does', () => {
    // sklearn.metrics.balanced_accuracy_score([0, 0, 1, 1], [0, 2, 1, 1]) == 0.75 (class 2 absent from y_true).
    const probabilities = [0.6, 0.3, 0.1, 0.3, 0.6, 0.1, 0.1, 0.8, 0.1, 0.1, 0.2, 0.7];
    const m = classificationMetrics([0, 0, 1, 1], [0, 2, 1, 1], probabilities, ['a', 'b', 'c']);
    expect(m.balancedAccuracy).toBe(0.75);
    expect(m.accuracy).toBe(0.75);
    expect(m.n).toBe(4);
  });
});
