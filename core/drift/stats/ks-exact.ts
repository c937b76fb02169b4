/**
 * Exact two-sided p-value of the two-sample Kolmogorov-Smirnov statistic, P(D >= d) under H0,
 * as scipy.stats.ks_2samp computes it with method='exact' (scipy's `_attempt_exact_2kssamp`):
 * the share of lattice paths from (0, 0) to (m, n) that leave the band |x/m - y/n| < d.
 */

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * n = m: P(D >= h/n) = 2 Σ_k (-1)^(k+1) C(2n, n - kh) / C(2n, n), evaluated as scipy's
 * `_compute_prob_outside_square` does (a Horner-like product, no large binomials).
 */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let term = 1;
    for (let j = 0; j < h; j++) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    p = term * (1 - p);
  }
  return 2 * p;
}

/**
 * n ≠ m: Hodges' "inside" recursion kept as 1 - share (Viehmann 2021, scipy's
 * `_compute_outer_prob_inside_method`): one column of the lattice at a time, a sliding window
 * of the rows inside the band, each cell already divided by its binomial coefficient.
 */
function outerProbInside(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(Math.max(lenA, n + 1)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/**
 * P(D >= d) for samples of n and m values, or undefined when floating point fails (scipy then
 * falls back to the asymptotic distribution too). d is rounded to the lattice's step 1/lcm(n, m).
 */
export function ksExactPValue(d: number, n: number, m: number): number | undefined {
  const g = gcd(n, m);
  const lcm = (n / g) * m;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  const p = n === m ? probOutsideSquare(n, h) : outerProbInside(n, m, g, h);
  return Number.isFinite(p) && p >= 0 && p <= 1 ? p : undefined;
}
