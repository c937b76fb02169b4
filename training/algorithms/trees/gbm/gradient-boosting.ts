import { availableParallelism } from 'node:os';
import {
  type GradientBoostingParams,
  GradientBoostingParamsSchema,
} from '../../../../contracts/hyperparameters/trees.js';
import type { Algorithm, FitData } from '../../types.js';
import type { Tree } from '../tree.js';
import { BoostedTreesModel, rowMajorScores } from './boosted-model.js';
import { GrowerWorkspace, type GrowOptions, growTree } from './grower.js';
import { HISTOGRAM_BYTES } from './histogram.js';
import { releaseMatrix } from '../../matrix-release.js';
import { binnedMemory } from './histogram-memory.js';
import { binaryLogistic, type Loss, multinomial, squaredError } from './loss.js';
import { ParallelHistograms } from './parallel.js';

/**
 * From this many matrix cells two threads are the default (`threads: 0`, a second core
 * present): below it waking the worker costs more than it saves. Large sets are memory-bound
 * on one core, but on a shared machine a second thread still gets the fit a second share of CPU.
 */
const TWO_THREAD_CELLS = 1_000_000;

function lossFor(data: FitData): Loss {
  if (data.task === 'regression') return squaredError;
  return data.nClasses === 2 ? binaryLogistic : multinomial(data.nClasses);
}

function growOptions(p: GradientBoostingParams): GrowOptions {
  return {
    maxLeafNodes: p.max_leaf_nodes,
    maxDepth: p.max_depth,
    learningRate: p.learning_rate,
    minSamplesLeaf: p.min_samples_leaf,
    l2: p.l2_regularization,
    minHessian: 1e-3,
  };
}

/**
 * Histogram gradient boosting (sklearn HistGradientBoosting / LightGBM style): features binned
 * once, each iteration grows one tree per raw output on the loss's gradients and hessians.
 * Returns the trees (per-class trees tagged with their target) and the baseline scores.
 */
export function boost(
  data: FitData,
  p: GradientBoostingParams,
): { trees: Tree[]; base: Float64Array; loss: Loss; scores: Float32Array } {
  const loss = lossFor(data);
  let parallel: ParallelHistograms | undefined;
  try {
    // The worker starts before the codes are binned, and bins with this thread.
    const mem = binnedMemory(data.X, p.max_bins, (m) => {
      m.reserve(Math.min(fitBytes(data, p, loss), MAX_RESERVE_BYTES));
      if (useThreads(p, data.X.rows * data.X.cols))
        parallel = new ParallelHistograms(m, loss.outputs === 1 ? loss.pairs : undefined, true);
      return parallel;
    });
    // The trees read only the bin codes from here on.
    if (data.releaseX) releaseMatrix(data.X);
    const { trees, scores } = boostBinned(data, p, loss, new GrowerWorkspace(mem, parallel));
    // A worker that never starts would leave a two-thread fit silently on one thread: fail instead.
    parallel?.awaitReady();
    return { trees, base: loss.baseline(data.y), loss, scores };
  } finally {
    parallel?.close();
  }
}

/** Beyond this a fit's histogram pool grows on demand (after the worker is ready). */
const MAX_RESERVE_BYTES = 1 << 30;

/**
 * What boostBinned allocates in the kernel's memory: the raw scores (and y), and the histogram pool,
 * which never holds more than one histogram per leaf of a tree (see growTree).
 */
function fitBytes(data: FitData, p: GradientBoostingParams, loss: Loss): number {
  // The raw scores, and y for a single-output loss (see boostBinned).
  const raw = data.X.rows * (loss.outputs + 1) * 8;
  return raw + p.max_leaf_nodes * HISTOGRAM_BYTES(data.X.cols);
}

/** Two threads when asked, or (threads = 0) from TWO_THREAD_CELLS when a second core exists. */
function useThreads(p: GradientBoostingParams, cells: number): boolean {
  if (p.threads === 1) return false;
  if (p.threads === 2) return true;
  return cells >= TWO_THREAD_CELLS && availableParallelism() > 1;
}

/** The trees, and the training rows' final raw scores (row-major float32, see BoostedTreesModel). */
function boostBinned(
  data: FitData,
  p: GradientBoostingParams,
  loss: Loss,
  ws: GrowerWorkspace,
): { trees: Tree[]; scores: Float32Array } {
  const n = data.X.rows;
  const K = loss.outputs;
  const base = loss.baseline(data.y);
  // In the kernel's memory, so leaf values are added there.
  const raw = ws.allocate(n * K);
  for (let k = 0; k < K; k++) raw.fill(base[k], k * n, (k + 1) * n);
  // Single-output losses write the kernel's gradient pairs directly; the others fill, per
  // output, blocks of n values (output k's gradient of row r at k * n + r) copied in per tree.
  const fused = K === 1 && loss.pairs !== undefined;
  // y in the kernel's memory too, so a worker can read it.
  const y = fused ? ws.allocate(n) : data.y;
  if (fused) y.set(data.y);
  const grad = new Float64Array(fused ? 0 : n * K);
  const hess = new Float64Array(fused ? 0 : n * K);
  // Losses with constant hessians never write them: the histograms then sum ones.
  if (loss.constantHessian) hess.fill(1);
  const options = growOptions(p);
  const trees: Tree[] = [];
  for (let it = 0; it < p.max_iter; it++) {
    if (fused) ws.lossPairs(loss.pairs!, y, raw);
    else loss.gradients(data.y, raw, grad, hess);
    for (let k = 0; k < K; k++) {
      const gv = fused
        ? null
        : { grad: grad.subarray(k * n, (k + 1) * n), hess: hess.subarray(k * n, (k + 1) * n) };
      const grown = growTree(ws, gv, options, K > 1 ? k : undefined);
      trees.push(grown.tree);
      const out = raw.subarray(k * n, (k + 1) * n);
      ws.addLeaves(out, grown.leaves);
    }
  }
  return { trees, scores: rowMajorScores(raw, n, K) };
}

function fitGradientBoosting(data: FitData, p: GradientBoostingParams): BoostedTreesModel {
  const { trees, base, scores } = boost(data, p);
  if (data.task === 'regression')
    return new BoostedTreesModel(trees, { kind: 'value', base: Math.fround(base[0]) }, scores);
  if (data.nClasses === 2)
    return new BoostedTreesModel(trees, { kind: 'sigmoid', base: Math.fround(base[0]) }, scores);
  return new BoostedTreesModel(trees, { kind: 'softmax', base: Float32Array.from(base), scale: 1 }, scores);
}

export const gradientBoosting: Algorithm<GradientBoostingParams> = {
  name: 'gradient_boosting',
  tasks: ['classification', 'regression'],
  description: 'Histogram gradient boosting (binned features, leaf-wise, learned missing-value direction)',
  params: GradientBoostingParamsSchema,
  scaling: 'none',
  fit: fitGradientBoosting,
};
