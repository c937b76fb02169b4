/** Small dense kernels on row-major Float64Arrays (loop orders chosen for sequential access). */

/** out[m, n] = A[m, k] @ B[k, n] (+ bias[n] when given). */
export function matmul(A: Float64Array, B: Float64Array, m: number, k: number, n: number, bias?: Float64Array): Float64Array {
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
