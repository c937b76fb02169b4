import {
  type ElasticNetCvParams,
  ElasticNetCvParamsSchema,
  type ElasticNetParams,
  ElasticNetParamsSchema,
  type LassoCvParams,
  LassoCvParamsSchema,
  type LassoParams,
  LassoParamsSchema,
} from '../../../contracts/hyperparameters/neighbors.js';
import { linearFitted } from '../kernel/linear-head.js';
import type { Algorithm, FitData, FittedModel } from '../types.js';
import { cdDesign, enetCd, interceptOf } from './coordinate-descent.js';

function fitEnet(data: FitData, alpha: number, l1Ratio: number, maxIter: number, tol: number): FittedModel {
  const d = cdDesign(data.X, data.y);
  const w = enetCd(d, alpha, l1Ratio, maxIter, tol, new Float64Array(data.X.cols));
  return linearFitted({
    W: w,
    b: Float64Array.of(interceptOf(d, w)),
    f: data.X.cols,
    c: 1,
    link: 'identity',
  });
}

/** scikit-learn's alpha grid: alpha_max = max |X'y| / (n l1_ratio) down to eps * alpha_max, log-spaced. */
function alphaGrid(data: FitData, l1Ratio: number, nAlphas: number, eps: number): number[] {
  const d = cdDesign(data.X, data.y);
  let max = 0;
  for (const c of d.cols) max = Math.max(max, Math.abs(c.reduce((s, v, k) => s + v * d.y[k], 0)));
  const top = max / (d.n * l1Ratio) || 1;
  return Array.from({ length: nAlphas }, (_, i) => top * eps ** (i / (nAlphas - 1)));
}

/** Chooses alpha by mean held-out MSE over contiguous k folds (scikit-learn's KFold), warm-starting along the path. */
function fitEnetCv(data: FitData, l1Ratio: number, p: LassoCvParams): FittedModel {
  const alphas = alphaGrid(data, l1Ratio, p.n_alphas, p.eps);
  const n = data.X.rows;
  const k = Math.min(p.cv, n);
  const mse = new Float64Array(alphas.length);
  const x32 = Float32Array.from(data.X.data);
  for (let fold = 0; fold < k; fold++) {
    const lo = Math.floor((fold * n) / k);
    const hi = Math.floor(((fold + 1) * n) / k);
    const train = Array.from({ length: n }, (_, i) => i).filter((i) => i < lo || i >= hi);
    const d = cdDesign(data.X, data.y, train);
    const w = new Float64Array(data.X.cols);
    alphas.forEach((alpha, a) => {
      enetCd(d, alpha, l1Ratio, p.max_iter, p.tol, w);
      const b = interceptOf(d, w);
      for (let r = lo; r < hi; r++) {
        let s = b;
        for (let j = 0; j < data.X.cols; j++) s += x32[r * data.X.cols + j] * w[j];
        mse[a] += (s - data.y[r]) ** 2 / n;
      }
    });
  }
  const best = mse.indexOf(Math.min(...mse));
  return fitEnet(data, alphas[best], l1Ratio, p.max_iter, p.tol);
}

export const lasso: Algorithm<LassoParams> = {
  name: 'lasso',
  tasks: ['regression'],
  description: 'L1-regularized linear regression (coordinate descent, scikit-learn objective)',
  params: LassoParamsSchema,
  scaling: 'standard',
  fit: (data, p) => fitEnet(data, p.alpha, 1, p.max_iter, p.tol),
};

export const elasticNet: Algorithm<ElasticNetParams> = {
  name: 'elastic_net',
  tasks: ['regression'],
  description: 'L1+L2-regularized linear regression (coordinate descent, scikit-learn objective)',
  params: ElasticNetParamsSchema,
  scaling: 'standard',
  fit: (data, p) => fitEnet(data, p.alpha, p.l1_ratio, p.max_iter, p.tol),
};

export const lassoCv: Algorithm<LassoCvParams> = {
  name: 'lasso_cv',
  tasks: ['regression'],
  description: 'Lasso with alpha chosen by k-fold cross-validation along a regularization path',
  params: LassoCvParamsSchema,
  scaling: 'standard',
  fit: (data, p) => fitEnetCv(data, 1, p),
};

export const elasticNetCv: Algorithm<ElasticNetCvParams> = {
  name: 'elastic_net_cv',
  tasks: ['regression'],
  description: 'Elastic net with alpha chosen by k-fold cross-validation along a regularization path',
  params: ElasticNetCvParamsSchema,
  scaling: 'standard',
  fit: (data, p) => fitEnetCv(data, p.l1_ratio, p),
};
