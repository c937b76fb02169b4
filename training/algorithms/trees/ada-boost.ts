import { type AdaBoostParams, AdaBoostParamsSchema } from '../../../contracts/hyperparameters/trees.js';
import { createRng, type Rng } from '../../../core/ml/random.js';
import type { Algorithm, FitData } from '../types.js';
import { WeightedMedianModel } from './ada-median.js';
import { type CartData, type CartOptions, fitCart } from './cart.js';
import { TreeEnsembleModel } from './ensemble.js';
import { cartData } from './forest.js';
import { findLeaf, type Tree, toFloat32 } from './tree.js';

function stumpOptions(p: AdaBoostParams, cols: number, fallbackDepth: number): CartOptions {
  return {
    maxDepth: p.max_depth || fallbackDepth,
    minSamplesSplit: 2,
    minSamplesLeaf: 1,
    maxFeatures: cols,
    randomThresholds: false,
  };
}

/** Leaf index per training row (float32 comparisons, as exported). */
function leaves(tree: Tree, x32: Float32Array, rows: number, cols: number): Int32Array {
  return Int32Array.from({ length: rows }, (_, r) => findLeaf(tree, x32, r * cols));
}

function normalize(w: Float64Array): void {
  const s = w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < w.length; i++) w[i] /= s;
}

/** A class-vote tree: each leaf's share vector replaced by one-hot(argmax) * weight. */
function voteTree(tree: Tree, weight: number): Tree {
  const c = tree.nOut;
  const values = new Float32Array(tree.values.length);
  for (let node = 0; node < tree.feature.length; node++) {
    if (tree.feature[node] >= 0) continue;
    let best = 0;
    for (let k = 1; k < c; k++) if (tree.values[node * c + k] > tree.values[node * c + best]) best = k;
    values[node * c + best] = weight;
  }
  return { ...tree, values };
}

/** SAMME (sklearn's AdaBoostClassifier algorithm='SAMME'). */
function fitSamme(data: FitData, cd: CartData, p: AdaBoostParams, rng: Rng): TreeEnsembleModel {
  const K = cd.nClasses;
  const { rows, cols } = data.X;
  const x32 = toFloat32(data.X.data);
  const w = new Float64Array(rows).fill(1 / rows);
  const fitted: { tree: Tree; alpha: number }[] = [];
  for (let t = 0; t < p.n_estimators; t++) {
    const tree = voteTree(fitCart(cd, w, stumpOptions(p, cols, 1), rng), 1);
    const leaf = leaves(tree, x32, rows, cols);
    const wrong = Uint8Array.from(leaf, (l, r) => (tree.values[l * K + cd.y[r]] === 1 ? 0 : 1));
    let err = 0;
    for (let r = 0; r < rows; r++) err += w[r] * wrong[r];
    if (err <= 0) {
      fitted.push({ tree, alpha: 1 });
      break;
    }
    if (err >= 1 - 1 / K) {
      if (fitted.length === 0) fitted.push({ tree, alpha: 1 });
      break;
    }
    const alpha = p.learning_rate * (Math.log((1 - err) / err) + Math.log(K - 1));
    fitted.push({ tree, alpha });
    for (let r = 0; r < rows; r++) if (wrong[r]) w[r] *= Math.exp(alpha * wrong[r]);
    normalize(w);
  }
  const total = fitted.reduce((s, f) => s + f.alpha, 0);
  const trees = fitted.map((f) => voteTree(f.tree, f.alpha / total));
  // sklearn: probabilities = softmax(decision / (K - 1)), the label its argmax.
  return new TreeEnsembleModel(trees, { kind: 'softmax', base: new Float32Array(K), scale: 1 / (K - 1) });
}

/** `rows` indices drawn with replacement with probabilities `w` (summing to 1), as counts. */
function weightedBootstrap(w: Float64Array, rng: Rng): Float64Array {
  const n = w.length;
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += w[i];
    cdf[i] = acc;
  }
  const counts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.next() * acc;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]++;
  }
  return counts;
}

function lossOf(e: number, loss: AdaBoostParams['loss']): number {
  if (loss === 'square') return e * e;
  if (loss === 'exponential') return 1 - Math.exp(-e);
  return e;
}

/** AdaBoost.R2 (sklearn's AdaBoostRegressor): prediction is the weighted median of the trees. */
function fitR2(data: FitData, cd: CartData, p: AdaBoostParams, rng: Rng): WeightedMedianModel {
  const { rows, cols } = data.X;
  const x32 = toFloat32(data.X.data);
  const w = new Float64Array(rows).fill(1 / rows);
  const trees: Tree[] = [];
  const alphas: number[] = [];
  const errs = new Float64Array(rows);
  for (let t = 0; t < p.n_estimators; t++) {
    const tree = fitCart(cd, weightedBootstrap(w, rng), stumpOptions(p, cols, 3), rng);
    const leaf = leaves(tree, x32, rows, cols);
    let max = 0;
    for (let r = 0; r < rows; r++) {
      errs[r] = Math.abs(tree.values[leaf[r]] - cd.y[r]);
      max = Math.max(max, errs[r]);
    }
    let err = 0;
    for (let r = 0; r < rows; r++) {
      errs[r] = lossOf(max > 0 ? errs[r] / max : 0, p.loss);
      err += w[r] * errs[r];
    }
    if (err <= 0) {
      trees.push(tree);
      alphas.push(1);
      break;
    }
    if (err >= 0.5) {
      if (trees.length === 0) {
        trees.push(tree);
        alphas.push(1);
      }
      break;
    }
    const beta = err / (1 - err);
    trees.push(tree);
    alphas.push(p.learning_rate * Math.log(1 / beta));
    for (let r = 0; r < rows; r++) w[r] *= beta ** ((1 - errs[r]) * p.learning_rate);
    normalize(w);
  }
  return new WeightedMedianModel(trees, Float32Array.from(alphas));
}

export const adaBoost: Algorithm<AdaBoostParams> = {
  name: 'ada_boost',
  tasks: ['classification', 'regression'],
  description: 'AdaBoost: SAMME on stumps (classification), AdaBoost.R2 weighted median (regression)',
  params: AdaBoostParamsSchema,
  scaling: 'none',
  fit(data, p) {
    const cd = cartData(data);
    const rng = createRng(p.seed ?? data.seed);
    return cd.nClasses > 0 ? fitSamme(data, cd, p, rng) : fitR2(data, cd, p, rng);
  },
};
