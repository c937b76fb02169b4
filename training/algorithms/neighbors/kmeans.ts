import { type KmeansParams, KmeansParamsSchema } from '../../../contracts/hyperparameters/neighbors.js';
import { ValidationError } from '../../../core/errors.js';
import { attr } from '../../../core/ml/onnx/index.js';
import { asFloat32, f32, pairwiseSq, squaredDistances, toDouble, toFloat } from '../kernel/graph-ops.js';
import type { Algorithm, FitData, FittedModel, Matrix } from '../types.js';
import { clusteringMetrics, type ClusteringMetrics } from './cluster-metrics.js';
import { fitKmeans } from './kmeans-fit.js';

/** A fitted k-means model; `metrics()` gives inertia and silhouette on the training rows. */
export interface KmeansModel extends FittedModel {
  readonly centers: Float64Array;
  metrics(): ClusteringMetrics;
}

/** k-means, as scikit-learn's KMeans (Lloyd, k-means++); exports cluster id and Euclidean distances. */
export const kmeans: Algorithm<KmeansParams> = {
  name: 'kmeans',
  tasks: ['clustering'],
  description:
    'k-means (k-means++ init, best of n_init restarts, Lloyd iterations); cluster id and distances to each centroid',
  params: KmeansParamsSchema,
  scaling: 'none',
  fit(data: FitData, p: KmeansParams): KmeansModel {
    const k = p.n_clusters;
    if (k > data.X.rows) {
      throw new ValidationError(
        `hyperparameters.n_clusters: ${k} is larger than the ${data.X.rows} training rows`,
        'hyperparameters.n_clusters',
      );
    }
    const train: Matrix = { ...data.X, data: asFloat32(data.X) };
    const fit = fitKmeans(train, k, p.n_init, p.max_iter, p.tol, p.seed ?? data.seed);
    const f = data.X.cols;
    return {
      centers: fit.centers,
      metrics: () => clusteringMetrics(train, fit.labels, fit.centers, p.seed ?? data.seed),
      predict(X) {
        const d2 = pairwiseSq(asFloat32(X), X.rows, fit.centers, k, f);
        const clusters = new Int32Array(X.rows);
        for (let r = 0; r < X.rows; r++) {
          for (let c = 1; c < k; c++) if (d2[r * k + c] < d2[r * k + clusters[r]]) clusters[r] = c;
        }
        return { clusters, distances: f32(d2.map(Math.sqrt)) };
      },
      exportOnnx(g, input) {
        const d2 = squaredDistances(g, toDouble(g, input), fit.centers, k, f);
        const [cluster] = g.node('ArgMin', [d2], { axis: attr.int(1), keepdims: attr.int(0) });
        const [d] = g.node('Sqrt', [d2]);
        return { cluster, distances: toFloat(g, d) };
      },
    };
  },
};
