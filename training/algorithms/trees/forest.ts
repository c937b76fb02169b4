import {
  type BaggingParams,
  BaggingParamsSchema,
  type DecisionTreeParams,
  DecisionTreeParamsSchema,
  type ExtraTreesParams,
  ExtraTreesParamsSchema,
  type RandomForestParams,
  RandomForestParamsSchema,
} from '../../../contracts/hyperparameters/trees.js';
import { createRng, deriveSeed, type Rng } from '../../../core/ml/random.js';
import type { Algorithm, FitData } from '../types.js';
import { type CartData, type CartOptions, columnMajor32, fitCart } from './cart.js';
import { TreeEnsembleModel } from './ensemble.js';
import { scaleTree, type Tree } from './tree.js';

type MaxFeatures = DecisionTreeParams['max_features'];

/** sklearn's max_features as a count; `auto` is all features unless `forestClassifier` (then sqrt). */
export function featureCount(choice: MaxFeatures, cols: number, forestClassifier: boolean): number {
  const resolved = choice === 'auto' ? (forestClassifier ? 'sqrt' : 'all') : choice;
  if (resolved === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(cols)));
  if (resolved === 'log2') return Math.max(1, Math.floor(Math.log2(cols)));
  return cols;
}

export function cartData(data: FitData): CartData {
  const { X, y, nClasses } = data;
  return {
    X: columnMajor32(X.data, X.rows, X.cols),
    rows: X.rows,
    cols: X.cols,
    y,
    nClasses: data.task === 'classification' ? nClasses : 0,
  };
}

/** Bootstrap counts as sample weights: `draws` rows drawn with replacement. */
export function bootstrapWeights(rows: number, draws: number, rng: Rng): Float64Array {
  const w = new Float64Array(rows);
  for (let i = 0; i < draws; i++) w[rng.int(rows)] += 1;
  return w;
}

/** `draws` distinct rows (subsampling without replacement), weight 1 each. */
function subsampleWeights(rows: number, draws: number, rng: Rng): Float64Array {
  const w = new Float64Array(rows);
  const idx = Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = 0; i < draws; i++) {
    const j = i + rng.int(rows - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
    w[idx[i]] = 1;
  }
  return w;
}

interface ForestOptions {
  readonly nTrees: number;
  readonly cart: CartOptions;
  /** Rows drawn per tree, with replacement when `bootstrap`; all rows, once, otherwise. */
  readonly bootstrap: boolean;
  readonly samples: number;
  readonly seed: number;
}

/** Fits averaged CART trees: class shares (summing to the mean probability) or mean values. */
export function fitForest(data: FitData, options: ForestOptions): TreeEnsembleModel {
  const cd = cartData(data);
  const trees: Tree[] = [];
  for (let t = 0; t < options.nTrees; t++) {
    const rng = createRng(deriveSeed(options.seed, t));
    let w: Float64Array;
    if (options.bootstrap) w = bootstrapWeights(cd.rows, options.samples, rng);
    else if (options.samples < cd.rows) w = subsampleWeights(cd.rows, options.samples, rng);
    else w = new Float64Array(cd.rows).fill(1);
    trees.push(scaleTree(fitCart(cd, w, options.cart, rng), 1 / options.nTrees));
  }
  if (cd.nClasses > 0) return new TreeEnsembleModel(trees, { kind: 'proba', nClasses: cd.nClasses });
  return new TreeEnsembleModel(trees, { kind: 'value', base: 0 });
}

function cartOptions(
  p: DecisionTreeParams,
  cols: number,
  forestClassifier: boolean,
  random = false,
): CartOptions {
  return {
    maxDepth: p.max_depth,
    minSamplesSplit: p.min_samples_split,
    minSamplesLeaf: p.min_samples_leaf,
    maxFeatures: featureCount(p.max_features, cols, forestClassifier),
    randomThresholds: random,
  };
}

const both = ['classification', 'regression'] as const;

export const decisionTree: Algorithm<DecisionTreeParams> = {
  name: 'decision_tree',
  tasks: both,
  description: 'CART decision tree (gini / squared error)',
  params: DecisionTreeParamsSchema,
  scaling: 'none',
  fit: (data, p) =>
    fitForest(data, {
      nTrees: 1,
      cart: cartOptions(p, data.X.cols, false),
      bootstrap: false,
      samples: data.X.rows,
      seed: p.seed ?? data.seed,
    }),
};

export const randomForest: Algorithm<RandomForestParams> = {
  name: 'random_forest',
  tasks: both,
  description: 'Random forest: bootstrapped CART trees on random feature subsets, averaged',
  params: RandomForestParamsSchema,
  scaling: 'none',
  fit: (data, p) =>
    fitForest(data, {
      nTrees: p.n_estimators,
      cart: cartOptions(p, data.X.cols, data.task === 'classification'),
      bootstrap: p.bootstrap,
      samples: data.X.rows,
      seed: p.seed ?? data.seed,
    }),
};

export const extraTrees: Algorithm<ExtraTreesParams> = {
  name: 'extra_trees',
  tasks: both,
  description: 'Extremely randomized trees: random thresholds on random feature subsets, averaged',
  params: ExtraTreesParamsSchema,
  scaling: 'none',
  fit: (data, p) =>
    fitForest(data, {
      nTrees: p.n_estimators,
      cart: cartOptions(p, data.X.cols, data.task === 'classification', true),
      bootstrap: p.bootstrap,
      samples: data.X.rows,
      seed: p.seed ?? data.seed,
    }),
};

export const bagging: Algorithm<BaggingParams> = {
  name: 'bagging',
  tasks: both,
  description: 'Bagging: decision trees on bootstrap samples, averaged',
  params: BaggingParamsSchema,
  scaling: 'none',
  fit: (data, p) =>
    fitForest(data, {
      nTrees: p.n_estimators,
      cart: {
        maxDepth: p.max_depth,
        minSamplesSplit: 2,
        minSamplesLeaf: p.min_samples_leaf,
        maxFeatures: data.X.cols,
        randomThresholds: false,
      },
      bootstrap: p.bootstrap,
      samples: Math.max(1, Math.round(p.max_samples * data.X.rows)),
      seed: p.seed ?? data.seed,
    }),
};
