import { SvcParamsSchema, type SvcParams } from '../../../contracts/hyperparameters/kernel.js';
import { attr, type OnnxGraph } from '../../../core/ml/onnx/index.js';
import type { Algorithm, FitData, FittedModel, Matrix, Predictions } from '../types.js';
import { argmaxRows, asFloat32, classifierOutputs, dconst, f32, softmaxRows, toDouble } from './graph-ops.js';
import { type KernelSpec, kernelGraph, kernelMatrix, kernelRows, resolveGamma } from './kernels.js';
import { solveSmo } from './smo.js';

/** The one-vs-one machines merged over one support-vector set. */
interface OvoModel {
  readonly spec: KernelSpec;
  readonly sv: Float64Array;
  readonly nSv: number;
  readonly f: number;
  /** Row-major [nSv, P] dual coefficients (alpha * y), P = C(C-1)/2 pairs. */
  readonly coef: Float64Array;
  readonly intercept: Float64Array;
  readonly nClasses: number;
}

export function kernelSpec(
  X: Matrix,
  p: Pick<SvcParams, 'kernel' | 'gamma' | 'degree' | 'coef0'>,
): KernelSpec {
  return { kind: p.kernel, gamma: resolveGamma(X, p.gamma), degree: p.degree, coef0: p.coef0 };
}

function pairs(c: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < c; i++) for (let j = i + 1; j < c; j++) out.push([i, j]);
  return out;
}

function fitOvo(data: FitData, p: SvcParams): OvoModel {
  const { X, y, nClasses } = data;
  const spec = kernelSpec(X, p);
  const ps = pairs(nClasses);
  const svRows = new Map<number, number>();
  const entries: { row: number; pair: number; coef: number }[] = [];
  const intercept = new Float64Array(ps.length);
  ps.forEach(([ci, cj], pi) => {
    const idx = Int32Array.from(Array.from(y.keys()).filter((r) => y[r] === ci || y[r] === cj));
    const sign = Int8Array.from(idx, (r) => (y[r] === ci ? 1 : -1));
    const { row, diag } = kernelRows(spec, X, idx, sign);
    const sol = solveSmo({
      l: idx.length,
      p: new Float64Array(idx.length).fill(-1),
      y: sign,
      C: p.C,
      row,
      diag,
      eps: p.tol,
      maxIter: p.max_iter,
    });
    intercept[pi] = -sol.rho;
    sol.alpha.forEach((a, i) => {
      if (a <= 0) return;
      if (!svRows.has(idx[i])) svRows.set(idx[i], svRows.size);
      entries.push({ row: idx[i], pair: pi, coef: a * sign[i] });
    });
  });
  const f = X.cols;
  const nSv = svRows.size;
  const sv = new Float64Array(nSv * f);
  for (const [row, k] of svRows) sv.set(X.data.subarray(row * f, row * f + f), k * f);
  const coef = new Float64Array(nSv * ps.length);
  for (const e of entries) coef[(svRows.get(e.row) ?? 0) * ps.length + e.pair] = e.coef;
  return { spec, sv, nSv, f, coef, intercept, nClasses };
}

/** M[p, i] = 1, M[p, j] = -1 for pair p = (i, j); votes = (dec > 0) @ M + jCount. */
function voteMatrices(c: number): { M: Float64Array; jCount: Float64Array } {
  const ps = pairs(c);
  const M = new Float64Array(ps.length * c);
  const jCount = new Float64Array(c);
  ps.forEach(([i, j], p) => {
    M[p * c + i] = 1;
    M[p * c + j] = -1;
    jCount[j]++;
  });
  return { M, jCount };
}

/** Row-major [n, P] pairwise decision values (float64, as the graph computes them). */
function decisions(m: OvoModel, X: Matrix): Float64Array {
  const n = X.rows;
  const K = kernelMatrix(m.spec, asFloat32(X), n, m.sv, m.nSv, m.f);
  const P = m.intercept.length;
  const dec = new Float64Array(n * P);
  for (let r = 0; r < n; r++) {
    for (let p = 0; p < P; p++) {
      let d = 0;
      for (let s = 0; s < m.nSv; s++) d += K[r * m.nSv + s] * m.coef[s * P + p];
      dec[r * P + p] = d + m.intercept[p];
    }
  }
  return dec;
}

/**
 * scikit-learn's one-vs-one `decision_function` (shape 'ovr'): votes plus summed confidences
 * squashed into (-1/3, 1/3), so ties in votes break on the decision values.
 */
function ovoScores(m: OvoModel, X: Matrix): Float64Array {
  const n = X.rows;
  const c = m.nClasses;
  const P = m.intercept.length;
  const { M, jCount } = voteMatrices(c);
  const dec = decisions(m, X);
  const scores = new Float64Array(n * c);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < c; k++) {
      let votes = jCount[k];
      let conf = 0;
      for (let p = 0; p < P; p++) {
        const d = dec[r * P + p];
        votes += (d > 0 ? 1 : 0) * M[p * c + k];
        conf += d * M[p * c + k];
      }
      scores[r * c + k] = votes + conf / (3 * (Math.abs(conf) + 1));
    }
  }
  return scores;
}

function exportOvo(m: OvoModel, g: OnnxGraph, input: string) {
  const c = m.nClasses;
  const P = m.intercept.length;
  const { M, jCount } = voteMatrices(c);
  const x = toDouble(g, input);
  const K = kernelGraph(g, x, m.spec, m.sv, m.nSv, m.f);
  const [mm] = g.node('MatMul', [K, dconst(g, 'dual_coef', m.coef, [m.nSv, P])]);
  const [dec] = g.node('Add', [mm, dconst(g, 'intercept', m.intercept, [P])]);
  const [pos] = g.node('Greater', [dec, dconst(g, 'zero', [0], [])]);
  const [posD] = g.node('Cast', [pos], { to: attr.int(11) });
  const Mc = dconst(g, 'vote_matrix', M, [P, c]);
  const [v0] = g.node('MatMul', [posD, Mc]);
  const [votes] = g.node('Add', [v0, dconst(g, 'j_count', jCount, [c])]);
  const [conf] = g.node('MatMul', [dec, Mc]);
  const [absConf] = g.node('Abs', [conf]);
  const [den0] = g.node('Add', [absConf, dconst(g, 'one', [1], [])]);
  const [den] = g.node('Mul', [den0, dconst(g, 'three', [3], [])]);
  const [squashed] = g.node('Div', [conf, den]);
  const [scores] = g.node('Add', [votes, squashed]);
  const [probs] = g.node('Softmax', [scores], { axis: attr.int(1) });
  return classifierOutputs(g, probs, scores);
}

/** Kernel SVM classifier, one-vs-one as libsvm / scikit-learn's SVC. */
export const svc: Algorithm<SvcParams> = {
  name: 'svc',
  tasks: ['classification'],
  description:
    'Kernel SVM (libsvm SMO, RBF default, one-vs-one); probabilities are a softmax of the one-vs-one vote scores, not Platt scaling',
  params: SvcParamsSchema,
  scaling: 'standard',
  fit(data: FitData, p: SvcParams): FittedModel {
    const m = fitOvo(data, p);
    return {
      predict(X: Matrix): Predictions {
        const scores = ovoScores(m, X);
        const labels = argmaxRows(scores, X.rows, m.nClasses);
        return { labels, probabilities: f32(softmaxRows(scores, X.rows, m.nClasses)) };
      },
      exportOnnx: (g, input) => exportOvo(m, g, input),
    };
  },
};
