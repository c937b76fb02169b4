import type { Matrix } from '../types.js';

/** Column-major, centred design for coordinate descent. */
export interface CdDesign {
  readonly cols: Float64Array[];
  readonly y: Float64Array;
  readonly xMean: Float64Array;
  readonly yMean: number;
  readonly n: number;
}

export function cdDesign(X: Matrix, y: Float64Array, rows?: ArrayLike<number>): CdDesign {
  const idx = rows ?? Array.from({ length: X.rows }, (_, i) => i);
  const n = idx.length;
  const x32 = Float32Array.from(X.data);
  const cols = Array.from({ length: X.cols }, (_, j) =>
    Float64Array.from({ length: n }, (_, k) => x32[idx[k] * X.cols + j]),
  );
  const xMean = Float64Array.from(cols, (c) => c.reduce((s, v) => s + v, 0) / n);
  cols.forEach((c, j) => c.forEach((v, k) => (c[k] = v - xMean[j])));
  const yy = Float64Array.from({ length: n }, (_, k) => y[idx[k]]);
  const yMean = yy.reduce((s, v) => s + v, 0) / n;
  return { cols, y: yy.map((v) => v - yMean), xMean, yMean, n };
}

function dualGap(d: CdDesign, w: Float64Array, R: Float64Array, l1: number, l2: number): number {
  let dualNorm = 0;
  d.cols.forEach((c, j) => {
    let s = 0;
    for (let k = 0; k < d.n; k++) s += c[k] * R[k];
    dualNorm = Math.max(dualNorm, Math.abs(s - l2 * w[j]));
  });
  let rNorm2 = 0;
  let ry = 0;
  for (let k = 0; k < d.n; k++) {
    rNorm2 += R[k] * R[k];
    ry += R[k] * d.y[k];
  }
  let wNorm2 = 0;
  let l1Norm = 0;
  for (const v of w) {
    wNorm2 += v * v;
    l1Norm += Math.abs(v);
  }
  const scale = dualNorm > l1 ? l1 / dualNorm : 1;
  const gap = dualNorm > l1 ? 0.5 * (rNorm2 + rNorm2 * scale * scale) : rNorm2;
  return gap + l1 * l1Norm - scale * ry + 0.5 * l2 * (1 + scale * scale) * wNorm2;
}

/**
 * scikit-learn's elastic-net coordinate descent: minimises
 * 1/(2n) |y - Xw|^2 + alpha * l1_ratio * |w|_1 + alpha * (1 - l1_ratio) / 2 * |w|^2,
 * stopping on the duality gap (tol * |y|^2). `w` is the warm start and is updated in place.
 */
export function enetCd(
  d: CdDesign,
  alpha: number,
  l1Ratio: number,
  maxIter: number,
  tol: number,
  w: Float64Array,
): Float64Array {
  const l1 = alpha * l1Ratio * d.n;
  const l2 = alpha * (1 - l1Ratio) * d.n;
  const norms = d.cols.map((c) => c.reduce((s, v) => s + v * v, 0));
  const R = Float64Array.from(d.y);
  d.cols.forEach((c, j) => {
    if (w[j] !== 0) for (let k = 0; k < d.n; k++) R[k] -= w[j] * c[k];
  });
  const gapTol = tol * d.y.reduce((s, v) => s + v * v, 0);
  for (let it = 0; it < maxIter; it++) {
    let wMax = 0;
    let dMax = 0;
    for (let j = 0; j < d.cols.length; j++) {
      if (norms[j] === 0) continue;
      const c = d.cols[j];
      const old = w[j];
      let tmp = 0;
      for (let k = 0; k < d.n; k++) tmp += c[k] * (R[k] + old * c[k]);
      const nw = (Math.sign(tmp) * Math.max(Math.abs(tmp) - l1, 0)) / (norms[j] + l2);
      if (nw !== old) for (let k = 0; k < d.n; k++) R[k] -= (nw - old) * c[k];
      w[j] = nw;
      dMax = Math.max(dMax, Math.abs(nw - old));
      wMax = Math.max(wMax, Math.abs(nw));
    }
    if (wMax === 0 || dMax / wMax < tol || it === maxIter - 1) {
      if (dualGap(d, w, R, l1, l2) < gapTol) break;
    }
  }
  return w;
}

/** Intercept for the uncentred data: b = mean(y) - mean(x) . w. */
export function interceptOf(d: CdDesign, w: Float64Array): number {
  return d.yMean - d.xMean.reduce((s, m, j) => s + m * w[j], 0);
}
