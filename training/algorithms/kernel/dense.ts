/** Small dense kernels on row-major Float64Arrays (loop orders chosen for sequential access). */

/** out[m, n] = A[m, k] @ B[k, n] (+ bias[n] when given). */
export function matmul(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
  bias?: Float64Array,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const o = i * n;
    for (let t = 0; t < k; t++) {
      const a = A[i * k + t];
      if (a === 0) continue;
      const bo = t * n;
      for (let j = 0; j < n; j++) out[o + j] += a * B[bo + j];
    }
    if (bias) for (let j = 0; j < n; j++) out[o + j] += bias[j];
  }
  return out;
}

/** out[k, n] = A[m, k]^T @ B[m, n]. */
export function matmulAtB(A: Float64Array, B: Float64Array, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(k * n);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < k; t++) {
      const a = A[i * k + t];
      if (a === 0) continue;
      const o = t * n;
      for (let j = 0; j < n; j++) out[o + j] += a * B[i * n + j];
    }
  }
  return out;
}

/** out[m, k] = A[m, n] @ B[k, n]^T. */
export function matmulABt(A: Float64Array, B: Float64Array, m: number, n: number, k: number): Float64Array {
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A[i * n + j] * B[t * n + j];
      out[i * k + t] = s;
    }
  }
  return out;
}

/**
 * out[m, n] = A[m, k] @ B[n, k]^T (+ bias[n] after the sum), written into `out`: every output is
 * a dot product of two contiguous rows, summed in t order (so it rounds exactly as matmul /
 * matmulAtB / matmulABt above), computed 2 rows x 4 columns at a time so each loaded value
 * feeds several products. `out` may be longer than m * n (a reused buffer). With `relu`, each
 * output is stored as max(value, 0) (as `v > 0 ? v : 0`), saving a pass over a hidden layer.
 */
export function gemmNT(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
  out: Float64Array,
  bias?: Float64Array,
  relu = false,
): void {
  let i = 0;
  for (; i + 1 < m; i += 2) gemmRows2(A, B, i, k, n, out, bias, relu);
  if (i < m) gemmRow1(A, B, i, k, n, out, bias, relu);
}

function gemmRows2(
  A: Float64Array,
  B: Float64Array,
  i: number,
  k: number,
  n: number,
  out: Float64Array,
  bias: Float64Array | undefined,
  relu: boolean,
): void {
  const a0 = i * k;
  const a1 = a0 + k;
  const o0 = i * n;
  const o1 = o0 + n;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const b0 = j * k;
    const b1 = b0 + k;
    const b2 = b1 + k;
    const b3 = b2 + k;
    let s00 = 0;
    let s01 = 0;
    let s02 = 0;
    let s03 = 0;
    let s10 = 0;
    let s11 = 0;
    let s12 = 0;
    let s13 = 0;
    for (let t = 0; t < k; t++) {
      const x0 = A[a0 + t];
      const x1 = A[a1 + t];
      const w0 = B[b0 + t];
      const w1 = B[b1 + t];
      const w2 = B[b2 + t];
      const w3 = B[b3 + t];
      s00 += x0 * w0;
      s01 += x0 * w1;
      s02 += x0 * w2;
      s03 += x0 * w3;
      s10 += x1 * w0;
      s11 += x1 * w1;
      s12 += x1 * w2;
      s13 += x1 * w3;
    }
    if (bias) {
      s00 += bias[j];
      s01 += bias[j + 1];
      s02 += bias[j + 2];
      s03 += bias[j + 3];
      s10 += bias[j];
      s11 += bias[j + 1];
      s12 += bias[j + 2];
      s13 += bias[j + 3];
    }
    if (relu) {
      s00 = s00 > 0 ? s00 : 0;
      s01 = s01 > 0 ? s01 : 0;
      s02 = s02 > 0 ? s02 : 0;
      s03 = s03 > 0 ? s03 : 0;
      s10 = s10 > 0 ? s10 : 0;
      s11 = s11 > 0 ? s11 : 0;
      s12 = s12 > 0 ? s12 : 0;
      s13 = s13 > 0 ? s13 : 0;
    }
    out[o0 + j] = s00;
    out[o0 + j + 1] = s01;
    out[o0 + j + 2] = s02;
    out[o0 + j + 3] = s03;
    out[o1 + j] = s10;
    out[o1 + j + 1] = s11;
    out[o1 + j + 2] = s12;
    out[o1 + j + 3] = s13;
  }
  for (; j < n; j++) {
    const b0 = j * k;
    let s0 = 0;
    let s1 = 0;
    for (let t = 0; t < k; t++) {
      const w = B[b0 + t];
      s0 += A[a0 + t] * w;
      s1 += A[a1 + t] * w;
    }
    if (bias) {
      s0 += bias[j];
      s1 += bias[j];
    }
    out[o0 + j] = relu ? (s0 > 0 ? s0 : 0) : s0;
    out[o1 + j] = relu ? (s1 > 0 ? s1 : 0) : s1;
  }
}

function gemmRow1(
  A: Float64Array,
  B: Float64Array,
  i: number,
  k: number,
  n: number,
  out: Float64Array,
  bias: Float64Array | undefined,
  relu: boolean,
): void {
  const a0 = i * k;
  for (let j = 0; j < n; j++) {
    const b0 = j * k;
    let s = 0;
    for (let t = 0; t < k; t++) s += A[a0 + t] * B[b0 + t];
    if (bias) s += bias[j];
    out[i * n + j] = relu ? (s > 0 ? s : 0) : s;
  }
}

/** out[c, r] = A[r, c] for an r x c row-major A, written into `out` (a reused buffer). */
export function transposeInto(A: Float64Array, r: number, c: number, out: Float64Array): void {
  for (let i = 0; i < r; i++) {
    const o = i * c;
    for (let j = 0; j < c; j++) out[j * r + i] = A[o + j];
  }
}
