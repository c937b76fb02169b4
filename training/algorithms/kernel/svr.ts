import { SvrParamsSchema, type SvrParams } from '../../../contracts/hyperparameters/kernel.js';
import type { Algorithm, FitData, FittedModel, Matrix } from '../types.js';
import { asFloat32, dconst, f32, regressorOutput, toDouble } from './graph-ops.js';
import { kernelGraph, kernelMatrix, kernelRows } from './kernels.js';
import { solveSmo } from './smo.js';
import { kernelSpec } from './svc.js';

/**
 * libsvm's epsilon-SVR dual: 2l variables (alpha, alpha*), y = (+1..., -1...),
 * p = (eps - z, eps + z); the coefficient of training row i is alpha_i - alpha*_i.
 */
function fitSvr(data: FitData, p: SvrParams) {
  const { X, y } = data;
  const l = X.rows;
  const spec = kernelSpec(X, p);
  const all = Int32Array.from({ length: l }, (_, i) => i);
  const K = kernelRows(spec, X, all);
  const sign = Int8Array.from({ length: 2 * l }, (_, i) => (i < l ? 1 : -1));
  const rows = new Map<number, Float64Array>();
  const row = (i: number) => {
    let r = rows.get(i);
    if (!r) {
      if (rows.size * l > 12_500_000) rows.clear();
      const k = K.row(i % l);
      r = Float64Array.from({ length: 2 * l }, (_, j) => sign[i] * sign[j] * k[j % l]);
      rows.set(i, r);
    }
    return r;
  };
  const diag = Float64Array.from({ length: 2 * l }, (_, i) => K.diag[i % l]);
  const lin = Float64Array.from({ length: 2 * l }, (_, i) =>
    i < l ? p.epsilon - y[i] : p.epsilon + y[i - l],
  );
  const sol = solveSmo({ l: 2 * l, p: lin, y: sign, C: p.C, row, diag, eps: p.tol, maxIter: p.max_iter });
  const keep: number[] = [];
  const coefs: number[] = [];
  for (let i = 0; i < l; i++) {
    const c = sol.alpha[i] - sol.alpha[i + l];
    if (c !== 0) {
      keep.push(i);
      coefs.push(c);
    }
  }
  const f = X.cols;
  const sv = new Float64Array(keep.length * f);
  keep.forEach((r, k) => sv.set(X.data.subarray(r * f, r * f + f), k * f));
  return { spec, sv, nSv: keep.length, f, coef: Float64Array.from(coefs), intercept: -sol.rho };
}

/** Epsilon-support vector regression, as scikit-learn's SVR. */
export const svr: Algorithm<SvrParams> = {
  name: 'svr',
  tasks: ['regression'],
  description: 'Epsilon-support vector regression (libsvm SMO, RBF default)',
  params: SvrParamsSchema,
  scaling: 'standard',
  fit(data: FitData, p: SvrParams): FittedModel {
    const m = fitSvr(data, p);
    return {
      predict(X: Matrix) {
        const K = kernelMatrix(m.spec, asFloat32(X), X.rows, m.sv, m.nSv, m.f);
        const values = new Float64Array(X.rows);
        for (let r = 0; r < X.rows; r++) {
          let s = 0;
          for (let k = 0; k < m.nSv; k++) s += K[r * m.nSv + k] * m.coef[k];
          values[r] = s + m.intercept;
        }
        return { values: f32(values) };
      },
      exportOnnx(g, input) {
        const Kx = kernelGraph(g, toDouble(g, input), m.spec, m.sv, m.nSv, m.f);
        const [mm] = g.node('MatMul', [Kx, dconst(g, 'dual_coef', m.coef, [m.nSv, 1])]);
        const [v] = g.node('Add', [mm, dconst(g, 'intercept', [m.intercept], [1])]);
        return regressorOutput(g, v, true);
      },
    };
  },
};
