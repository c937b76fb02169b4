import type { ClusteringMetrics, Metrics } from '../contracts/metrics.js';
import { accuracy, classificationMetrics, r2, regressionMetrics } from '../core/ml/metrics.js';
import { silhouette } from './algorithms/neighbors/cluster-metrics.js';
import type { Matrix, Predictions } from './algorithms/types.js';

/** Labels from a model's predictions: its own, or the argmax of its probabilities. */
export function labelsOf(p: Predictions, nClasses: number): Int32Array {
  if (p.labels) return p.labels;
  const probs = p.probabilities;
  if (!probs) throw new Error('model predicted neither labels nor probabilities');
  const n = probs.length / nClasses;
  return Int32Array.from({ length: n }, (_, i) => {
    let best = 0;
    for (let k = 1; k < nClasses; k++) if (probs[i * nClasses + k] > probs[i * nClasses + best]) best = k;
    return best;
  });
}

/**
 * Inertia (squared distance of each row to its own centre, from the model's distances) and the
 * silhouette of the assignment on the model's input features.
 */
export function clusteringMetrics(p: Predictions, X: Matrix, seed = 0): ClusteringMetrics {
  const clusters = p.clusters;
  const distances = p.distances;
  if (!clusters || !distances) throw new Error('clustering model predicted no clusters/distances');
  const k = distances.length / Math.max(clusters.length, 1);
  let inertia = 0;
  const sizes = new Array<number>(k).fill(0);
  clusters.forEach((c, r) => {
    inertia += distances[r * k + c] ** 2;
    sizes[c]++;
  });
  const s = clusters.length > 1 && sizes.filter((n) => n > 0).length > 1 ? silhouette(X, clusters, seed) : 0;
  return { task: 'clustering', n: clusters.length, inertia, silhouette: s, sizes, score: s };
}

/** The full metrics of predictions on rows with targets `y` (class indices or values). */
export function evaluate(
  p: Predictions,
  y: Float64Array,
  classes: readonly string[] | undefined,
  X: Matrix,
): Metrics {
  if (p.clusters) return clusteringMetrics(p, X);
  if (classes) {
    const labels = labelsOf(p, classes.length);
    return classificationMetrics(
      y,
      labels,
      p.probabilities ?? new Float64Array(y.length * classes.length),
      classes,
    );
  }
  if (!p.values) throw new Error('regression model predicted no values');
  return regressionMetrics(y, p.values);
}

/** The promotion score alone (accuracy, R2 or silhouette), cheaper than `evaluate`. */
export function scoreOf(p: Predictions, y: Float64Array, nClasses: number, X: Matrix): number {
  if (p.clusters) return clusteringMetrics(p, X).score;
  if (nClasses > 0) return accuracy(y, labelsOf(p, nClasses));
  if (!p.values) throw new Error('regression model predicted no values');
  return r2(y, p.values);
}
