import { erase } from '../kernel/erase.js';
import type { Algorithm } from '../types.js';
import { kmeans } from './kmeans.js';
import { knn } from './knn.js';
import { elasticNet, elasticNetCv, lasso, lassoCv } from './linear-cd.js';
import { naiveBayes } from './naive-bayes.js';

export {
  adjustedRandIndex,
  clusteringMetrics,
  type ClusteringMetrics,
  silhouette,
} from './cluster-metrics.js';
export type { KmeansModel } from './kmeans.js';

/** Neighbour, Bayes, clustering and coordinate-descent trainers. */
export const NEIGHBORS: readonly Algorithm[] = [
  erase(knn),
  erase(naiveBayes),
  erase(kmeans),
  erase(lasso),
  erase(elasticNet),
  erase(lassoCv),
  erase(elasticNetCv),
];
