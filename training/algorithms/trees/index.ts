import type { Algorithm } from '../types.js';
import { adaBoost } from './ada-boost.js';
import { bagging, decisionTree, extraTrees, randomForest } from './forest.js';
import { gradientBoosting } from './gbm/gradient-boosting.js';

/** The tree algorithms' trainers; schemas live in contracts/hyperparameters/trees.ts. */
export const TREES: readonly Algorithm[] = [
  decisionTree,
  randomForest,
  gradientBoosting,
  extraTrees,
  bagging,
  adaBoost,
];
