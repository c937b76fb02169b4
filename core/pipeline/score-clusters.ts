import type { ClusteringMetrics } from '../../contracts/metrics.js';
import type { ModelContract } from '../../contracts/model-contract.js';
import type { FeatureRow, Prediction } from '../../contracts/serving.js';
import { ValidationError } from '../errors.js';
import { silhouette } from '../ml/silhouette.js';

const f32 = Math.fround;

/** Mean of a numeric feature over the training rows (the trainer's imputation value). */
function trainMean(rows: readonly FeatureRow[], name: string): number {
  let n = 0;
  let sum = 0;
  for (const r of rows) {
    const v = r[name];
    if (typeof v === 'number' && !Number.isNaN(v)) {
      n++;
      sum += f32(v);
    }
  }
  return n ? f32(sum / n) : 0;
}

/**
 * The rows as k-means sees them: numeric features with missing cells imputed by the training
 * mean, then categorical features one-hot in the contract's category order (k-means scales
 * nothing, so this is its input space). Text features are left out: their TF-IDF lives in the graph.
 */
export function clusterSpace(
  contract: ModelContract,
  rows: readonly FeatureRow[],
  trainRows: readonly FeatureRow[],
): { rows: number; cols: number; data: Float64Array } {
  const numeric = contract.features.filter((f) => f.type === 'numeric');
  const categorical = contract.features.filter((f) => f.type === 'categorical');
  const means = numeric.map((f) => trainMean(trainRows, f.name));
  const cols = numeric.length + categorical.reduce((s, f) => s + (f.categories?.length ?? 0), 0);
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    let c = r * cols;
    numeric.forEach((f, j) => {
      const v = row[f.name];
      data[c++] = typeof v === 'number' && !Number.isNaN(v) ? f32(v) : means[j]!;
    });
    for (const f of categorical) {
      const at = (f.categories ?? []).indexOf(String(row[f.name] ?? ''));
      if (at >= 0) data[c + at] = 1;
      c += f.categories?.length ?? 0;
    }
  });
  return { rows: rows.length, cols, data };
}

/**
 * Scores a clustering without a target, from the served model's own outputs: cluster sizes and
 * inertia (squared distance of each row to its centre) from `cluster`/`distances`, and the mean
 * silhouette of the assignment in the model's input space. The promotion score is the silhouette.
 */
export function clusteringScore(
  contract: ModelContract,
  rows: readonly FeatureRow[],
  trainRows: readonly FeatureRow[],
  predictions: readonly Prediction[],
  seed: number,
): ClusteringMetrics {
  const k = contract.clusters ?? predictions[0]?.distances?.length ?? 0;
  const sizes = new Array<number>(k).fill(0);
  const labels = new Int32Array(predictions.length);
  let inertia = 0;
  predictions.forEach((p, i) => {
    if (p.cluster === undefined || !p.distances)
      throw new ValidationError('model.onnx: a clustering model must answer cluster and distances', 'model');
    labels[i] = p.cluster;
    sizes[p.cluster] = (sizes[p.cluster] ?? 0) + 1;
    inertia += (p.distances[p.cluster] ?? 0) ** 2;
  });
  const space = clusterSpace(contract, rows, trainRows);
  const nonEmpty = sizes.filter((n) => n > 0).length;
  const s = labels.length > 1 && nonEmpty > 1 && space.cols > 0 ? silhouette(space, labels, seed) : 0;
  return { task: 'clustering', n: labels.length, inertia, silhouette: s, sizes, score: s };
}
