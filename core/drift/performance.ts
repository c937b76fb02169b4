import type { BaselineProfile, PerformanceDrift } from '../../contracts/drift.js';
import { toCategory, toNumber } from './sketches/values.js';

export interface PerformanceDriftOptions {
  readonly minRows: number;
  readonly tolerance: number;
}

/**
 * Live quality on the rows that carry feedback: accuracy for classifiers, RMSE for regressors
 * (clustering has no ground truth to compare). Counters only, so memory does not grow with rows.
 */
export class PerformanceWindow {
  rows = 0;
  private correct = 0;
  private squaredError = 0;

  constructor(private readonly task: BaselineProfile['task']) {}

  add(prediction: unknown, actual: unknown): void {
    if (this.task === 'regression') {
      const predicted = toNumber(prediction);
      const truth = toNumber(actual);
      if (predicted === undefined || truth === undefined) return;
      this.rows++;
      this.squaredError += (predicted - truth) ** 2;
      return;
    }
    const truth = toCategory(actual);
    if (truth === undefined) return;
    this.rows++;
    if (toCategory(prediction) === truth) this.correct++;
  }

  /** Null when the task has no quality metric, the baseline lacks it, or no feedback arrived. */
  result(metrics: BaselineProfile['metrics'], options: PerformanceDriftOptions): PerformanceDrift | null {
    if (this.task === 'clustering' || this.rows === 0) return null;
    const metric = this.task === 'regression' ? 'rmse' : 'accuracy';
    const baseline = metrics[metric];
    if (baseline === undefined) return null;
    const enough = this.rows >= options.minRows;
    const current = metric === 'rmse' ? Math.sqrt(this.squaredError / this.rows) : this.correct / this.rows;
    // Relative tolerance: accuracy may fall to baseline·(1 - t), RMSE may rise to baseline·(1 + t).
    const drifted =
      enough &&
      (metric === 'rmse'
        ? current > baseline * (1 + options.tolerance)
        : current < baseline * (1 - options.tolerance));
    return {
      metric,
      baseline,
      current: enough ? current : null,
      rows: this.rows,
      tolerance: options.tolerance,
      drifted,
    };
  }
}
