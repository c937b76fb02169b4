import type { z } from 'zod';
import { bool, choice, int, num, params, seed } from './fields.js';
import type { AlgorithmSpec } from './types.js';

/** Shared CART knobs; `max_depth` 0 means unlimited (sklearn's None). */
const cart = {
  max_depth: int(0, 0, 1000),
  min_samples_split: int(2, 2, 1_000_000),
  min_samples_leaf: int(1, 1, 1_000_000),
  /** `auto`: all features for a single tree and for regression forests, sqrt for classification forests. */
  max_features: choice('auto', ['auto', 'sqrt', 'log2', 'all']),
  seed: seed(),
};

export const DecisionTreeParamsSchema = params({ ...cart });
export type DecisionTreeParams = z.infer<typeof DecisionTreeParamsSchema>;

export const RandomForestParamsSchema = params({
  ...cart,
  n_estimators: int(100, 1, 2000),
  bootstrap: bool(true),
});
export type RandomForestParams = z.infer<typeof RandomForestParamsSchema>;

export const ExtraTreesParamsSchema = params({
  ...cart,
  n_estimators: int(100, 1, 2000),
  bootstrap: bool(false),
});
export type ExtraTreesParams = z.infer<typeof ExtraTreesParamsSchema>;

export const BaggingParamsSchema = params({
  n_estimators: int(10, 1, 2000),
  /** Fraction of the training rows drawn for each tree. */
  max_samples: num(1, 0.01, 1),
  bootstrap: bool(true),
  max_depth: int(0, 0, 1000),
  min_samples_leaf: int(1, 1, 1_000_000),
  seed: seed(),
});
export type BaggingParams = z.infer<typeof BaggingParamsSchema>;

export const AdaBoostParamsSchema = params({
  n_estimators: int(50, 1, 2000),
  learning_rate: num(1, 1e-6, 100),
  /** 0 = sklearn's base tree: a stump (depth 1) for classification, depth 3 for regression. */
  max_depth: int(0, 0, 64),
  /** AdaBoost.R2 loss (regression only). */
  loss: choice('linear', ['linear', 'square', 'exponential']),
  seed: seed(),
});
export type AdaBoostParams = z.infer<typeof AdaBoostParamsSchema>;

export const GradientBoostingParamsSchema = params({
  learning_rate: num(0.1, 1e-6, 10),
  max_iter: int(100, 1, 10_000),
  max_leaf_nodes: int(31, 2, 4096),
  /** 0 = unlimited (leaf-wise growth is bounded by max_leaf_nodes). */
  max_depth: int(0, 0, 1000),
  min_samples_leaf: int(20, 1, 1_000_000),
  l2_regularization: num(0, 0, 1e6),
  /** Bins for non-missing values per feature (missing values get their own bin). */
  max_bins: int(255, 2, 255),
  /** Histogram threads: 1, 2, or 0 = two when the data is large and a second core exists. */
  threads: int(0, 0, 2),
  seed: seed(),
});
export type GradientBoostingParams = z.infer<typeof GradientBoostingParamsSchema>;

const both = ['classification', 'regression'] as const;

/** Hyperparameter schemas of the tree algorithms. */
export const TREES_ALGORITHMS: readonly AlgorithmSpec[] = [
  {
    name: 'decision_tree',
    tasks: both,
    description: 'CART decision tree (gini / squared error)',
    params: DecisionTreeParamsSchema,
  },
  {
    name: 'random_forest',
    tasks: both,
    description: 'Random forest: bootstrapped CART trees on random feature subsets, averaged',
    params: RandomForestParamsSchema,
  },
  {
    name: 'extra_trees',
    tasks: both,
    description: 'Extremely randomized trees: random thresholds on random feature subsets, averaged',
    params: ExtraTreesParamsSchema,
  },
  {
    name: 'bagging',
    tasks: both,
    description: 'Bagging: decision trees on bootstrap samples, averaged',
    params: BaggingParamsSchema,
  },
  {
    name: 'ada_boost',
    tasks: both,
    description: 'AdaBoost: SAMME on stumps (classification), AdaBoost.R2 weighted median (regression)',
    params: AdaBoostParamsSchema,
  },
  {
    name: 'gradient_boosting',
    tasks: both,
    description: 'Histogram gradient boosting (binned features, leaf-wise, learned missing-value direction)',
    params: GradientBoostingParamsSchema,
  },
];
