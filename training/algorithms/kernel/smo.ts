/**
 * The libsvm dual solver (SMO with second-order working-set selection, Fan, Chen & Lin 2005),
 * without shrinking:  min 0.5 a'Qa + p'a  s.t.  y'a = const, 0 <= a_i <= C.
 * Q_ij = y_i y_j K_ij arrives row by row from `row(i)`; `diag` holds Q_ii.
 */
export interface SmoProblem {
  readonly l: number;
  readonly p: Float64Array;
  readonly y: Int8Array;
  readonly C: number;
  readonly row: (i: number) => Float64Array;
  readonly diag: Float64Array;
  /** Stopping tolerance on the maximal KKT violation (scikit-learn's `tol`, 1e-3). */
  readonly eps: number;
  readonly maxIter: number;
}

export interface SmoSolution {
  readonly alpha: Float64Array;
  /** The decision function is sum_i y_i alpha_i K(x_i, x) - rho. */
  readonly rho: number;
  readonly iterations: number;
}

const TAU = 1e-12;

function selectPair(pr: SmoProblem, a: Float64Array, G: Float64Array): [number, number] | undefined {
  const { l, y, C, diag } = pr;
  let gmax = Number.NEGATIVE_INFINITY;
  let gmax2 = Number.NEGATIVE_INFINITY;
  let iBest = -1;
  for (let t = 0; t < l; t++) {
    if (y[t] === 1) {
      if (a[t] < C && -G[t] >= gmax) [gmax, iBest] = [-G[t], t];
    } else if (a[t] > 0 && G[t] >= gmax) [gmax, iBest] = [G[t], t];
  }
  if (iBest < 0) return undefined;
  const Qi = pr.row(iBest);
  let jBest = -1;
  let objMin = Number.POSITIVE_INFINITY;
  for (let j = 0; j < l; j++) {
    let grad: number;
    let quad: number;
    if (y[j] === 1) {
      if (!(a[j] > 0)) continue;
      grad = gmax + G[j];
      if (G[j] >= gmax2) gmax2 = G[j];
      quad = diag[iBest] + diag[j] - 2 * y[iBest] * Qi[j];
    } else {
      if (!(a[j] < C)) continue;
      grad = gmax - G[j];
      if (-G[j] >= gmax2) gmax2 = -G[j];
      quad = diag[iBest] + diag[j] + 2 * y[iBest] * Qi[j];
    }
    if (grad > 0) {
      const obj = -(grad * grad) / (quad > 0 ? quad : TAU);
      if (obj <= objMin) [objMin, jBest] = [obj, j];
    }
  }
  if (gmax + gmax2 < pr.eps || jBest < 0) return undefined;
  return [iBest, jBest];
}

/** Moves a_i, a_j along the constraint line and clips to the box (libsvm's update). */
function updatePair(
  pr: SmoProblem,
  a: Float64Array,
  G: Float64Array,
  i: number,
  j: number,
  Qi: Float64Array,
): void {
  const { C, y, diag } = pr;
  if (y[i] !== y[j]) {
    const quad = Math.max(diag[i] + diag[j] + 2 * Qi[j], TAU);
    const delta = (-G[i] - G[j]) / quad;
    const diff = a[i] - a[j];
    a[i] += delta;
    a[j] += delta;
    if (diff > 0) {
      if (a[j] < 0) [a[j], a[i]] = [0, diff];
    } else if (a[i] < 0) [a[i], a[j]] = [0, -diff];
    if (diff > 0) {
      if (a[i] > C) [a[i], a[j]] = [C, C - diff];
    } else if (a[j] > C) [a[j], a[i]] = [C, C + diff];
  } else {
    const quad = Math.max(diag[i] + diag[j] - 2 * Qi[j], TAU);
    const delta = (G[i] - G[j]) / quad;
    const sum = a[i] + a[j];
    a[i] -= delta;
    a[j] += delta;
    if (sum > C) {
      if (a[i] > C) [a[i], a[j]] = [C, sum - C];
    } else if (a[j] < 0) [a[j], a[i]] = [0, sum];
    if (sum > C) {
      if (a[j] > C) [a[j], a[i]] = [C, sum - C];
    } else if (a[i] < 0) [a[i], a[j]] = [0, sum];
  }
}

function computeRho(pr: SmoProblem, a: Float64Array, G: Float64Array): number {
  let ub = Number.POSITIVE_INFINITY;
  let lb = Number.NEGATIVE_INFINITY;
  let nFree = 0;
  let sumFree = 0;
  for (let i = 0; i < pr.l; i++) {
    const yG = pr.y[i] * G[i];
    const atUpper = a[i] >= pr.C;
    const atLower = a[i] <= 0;
    if (atUpper) {
      if (pr.y[i] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (atLower) {
      if (pr.y[i] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  return nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
}

/** Solves the dual from a = 0 (so the gradient starts at p). */
export function solveSmo(pr: SmoProblem): SmoSolution {
  const a = new Float64Array(pr.l);
  const G = Float64Array.from(pr.p);
  let it = 0;
  for (; it < pr.maxIter; it++) {
    const pair = selectPair(pr, a, G);
    if (!pair) break;
    const [i, j] = pair;
    const Qi = pr.row(i);
    const Qj = pr.row(j);
    const oldI = a[i];
    const oldJ = a[j];
    updatePair(pr, a, G, i, j, Qi);
    const dI = a[i] - oldI;
    const dJ = a[j] - oldJ;
    for (let k = 0; k < pr.l; k++) G[k] += Qi[k] * dI + Qj[k] * dJ;
  }
  return { alpha: a, rho: computeRho(pr, a, G), iterations: it };
}
