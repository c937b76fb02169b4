/** Objective: returns f(w) and writes ∇f(w) into `grad`. */
export type Objective = (w: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  readonly maxIter: number;
  /** Converged when max |∇f| <= gtol. */
  readonly gtol: number;
  /** History size. */
  readonly m?: number;
}

export interface LbfgsResult {
  readonly w: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** Two-loop recursion: d = -H∇f from the stored (s, y) pairs. */
function direction(g: Float64Array, S: Float64Array[], Y: Float64Array[]): Float64Array {
  const q = Float64Array.from(g);
  const alpha = new Float64Array(S.length);
  for (let i = S.length - 1; i >= 0; i--) {
    alpha[i] = dot(S[i], q) / dot(Y[i], S[i]);
    for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * Y[i][j];
  }
  const k = S.length - 1;
  const gamma = k >= 0 ? dot(S[k], Y[k]) / dot(Y[k], Y[k]) : 1 / Math.max(1, maxAbs(g));
  for (let j = 0; j < q.length; j++) q[j] *= gamma;
  for (let i = 0; i < S.length; i++) {
    const beta = dot(Y[i], q) / dot(Y[i], S[i]);
    for (let j = 0; j < q.length; j++) q[j] += S[i][j] * (alpha[i] - beta);
  }
  for (let j = 0; j < q.length; j++) q[j] = -q[j];
  return q;
}

/**
 * Minimizes a smooth convex function with L-BFGS and a backtracking (Armijo) line search.
 * Written here because no maintained JS library offers L-BFGS on typed arrays.
 */
export function lbfgs(f: Objective, w0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const m = options.m ?? 10;
  let w = Float64Array.from(w0);
  let g = new Float64Array(w.length);
  let fx = f(w, g);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  for (let iter = 0; iter < options.maxIter; iter++) {
    if (maxAbs(g) <= options.gtol) return { w, f: fx, iterations: iter, converged: true };
    let d = direction(g, S, Y);
    let slope = dot(g, d);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      d = direction(g, S, Y);
      slope = dot(g, d);
    }
    let step = 1;
    const wNew = new Float64Array(w.length);
    const gNew = new Float64Array(w.length);
    let fNew = Number.POSITIVE_INFINITY;
    for (let ls = 0; ls < 40; ls++) {
      for (let j = 0; j < w.length; j++) wNew[j] = w[j] + step * d[j];
      fNew = f(wNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNew < fx) && !(fNew <= fx)) return { w, f: fx, iterations: iter, converged: false };
    const s = Float64Array.from(wNew, (v, j) => v - w[j]);
    const y = Float64Array.from(gNew, (v, j) => v - g[j]);
    if (dot(s, y) > 1e-12) {
      S.push(s);
      Y.push(y);
      if (S.length > m) {
        S.shift();
        Y.shift();
      }
    }
    const decrease = fx - fNew;
    w = wNew;
    g = gNew;
    fx = fNew;
    if (decrease <= 1e-14 * Math.max(1, Math.abs(fx)))
      return { w, f: fx, iterations: iter + 1, converged: maxAbs(g) <= options.gtol };
  }
  return { w, f: fx, iterations: options.maxIter, converged: maxAbs(g) <= options.gtol };
}
