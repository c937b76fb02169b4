/**
 * scikit-learn's `make_classification` (sklearn/datasets/_samples_generator.py), ported draw
 * for draw on numpy's legacy RandomState, so the benchmark trains on the very rows the
 * reference scores in ../shared/reference-scores.md were measured on (not a look-alike).
 * Only the path the benchmark uses: two classes, two clusters per class, no weights,
 * hypercube vertices at +-class_sep (1), shift 0, scale 1, shuffle on, no repeated features.
 */
import { NumpyRandomState } from '../core/ml/numpy-random.js';
import type { Matrix } from '../training/algorithms/types.js';

export interface MakeClassificationOptions {
  readonly nSamples: number;
  readonly nFeatures: number;
  readonly nInformative: number;
  readonly nRedundant: number;
  readonly flipY: number;
  readonly randomState: number;
  /** Rows and features permuted at the end, as sklearn's default; off only to test the layout. */
  readonly shuffle?: boolean;
}

const CLASSES = 2;
const CLUSTERS = 4;

/** `_generate_hypercube`: distinct vertices of the informative cube, picked by tracking selection. */
function hypercubeCentroids(rng: NumpyRandomState, dims: number): Float64Array[] {
  const picked = new Set<number>();
  const out: Float64Array[] = [];
  for (let c = 0; c < CLUSTERS; c++) {
    let j = rng.randint(2 ** dims);
    while (picked.has(j)) j = rng.randint(2 ** dims);
    picked.add(j);
    // The low `dims` bits, most significant first, as unpackbits of a big-endian uint32.
    out.push(Float64Array.from({ length: dims }, (_, d) => ((j >>> (dims - 1 - d)) & 1) * 2 - 1));
  }
  return out;
}

/** Rows per cluster: an equal share each, the remainder dealt one by one from the first. */
function clusterSizes(n: number): number[] {
  const sizes = Array.from({ length: CLUSTERS }, () => Math.floor(n / CLASSES / (CLUSTERS / CLASSES)));
  const total = sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n - total; i++) sizes[i % CLUSTERS] += 1;
  return sizes;
}

/** `size` uniforms in [-1, 1), row-major, as `2 * uniform(size) - 1`. */
function signedUniforms(rng: NumpyRandomState, size: number): Float64Array {
  return Float64Array.from({ length: size }, () => 2 * rng.uniform() - 1);
}

/** Fills columns [c0, c0 + width) of every row with standard normals, row-major. */
function fillNormals(rng: NumpyRandomState, X: Float64Array, F: number, c0: number, width: number): void {
  for (let r = 0; r < X.length / F; r++) {
    for (let j = 0; j < width; j++) X[r * F + c0 + j] = rng.standardNormal();
  }
}

/** Rows [r0, r1): informative columns (0 .. k-1) := row @ A (k x k), plus the centroid. */
function mixCluster(
  X: Float64Array,
  F: number,
  k: number,
  r0: number,
  r1: number,
  A: Float64Array,
  centroid: Float64Array,
): void {
  const z = new Float64Array(k);
  for (let r = r0; r < r1; r++) {
    const row = r * F;
    for (let i = 0; i < k; i++) z[i] = X[row + i];
    for (let j = 0; j < k; j++) {
      let v = 0;
      for (let i = 0; i < k; i++) v += z[i] * A[i * k + j];
      X[row + j] = v + centroid[j];
    }
  }
}

/** Columns [k, k + m) := columns [0, k) @ B (k x m). */
function addRedundant(X: Float64Array, F: number, k: number, m: number, B: Float64Array): void {
  for (let row = 0; row < X.length; row += F) {
    for (let j = 0; j < m; j++) {
      let v = 0;
      for (let i = 0; i < k; i++) v += X[row + i] * B[i * m + j];
      X[row + k + j] = v;
    }
  }
}

/** Rows permuted by `shuffle(arange(n))`, then columns by `shuffle(arange(F))`. */
function shuffleRowsAndColumns(rng: NumpyRandomState, X: Float64Array, y: Float64Array, F: number): Matrix {
  const n = y.length;
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(rows);
  const cols = Int32Array.from({ length: F }, (_, i) => i);
  const y0 = y.slice();
  const Xr = new Float64Array(X.length);
  for (let r = 0; r < n; r++) {
    y[r] = y0[rows[r]];
    Xr.set(X.subarray(rows[r] * F, rows[r] * F + F), r * F);
  }
  rng.shuffle(cols);
  for (let r = 0; r < n; r++) for (let c = 0; c < F; c++) X[r * F + c] = Xr[r * F + cols[c]];
  return { data: X, rows: n, cols: F };
}

/** `make_classification(...)` for two classes: X row-major (n x nFeatures) and labels 0/1. */
export function makeClassification(o: MakeClassificationOptions): { X: Matrix; y: Float64Array } {
  const { nSamples: n, nFeatures: F, nInformative: k, nRedundant: m } = o;
  const rng = new NumpyRandomState(o.randomState);
  const centroids = hypercubeCentroids(rng, k);
  const X = new Float64Array(n * F);
  const y = new Float64Array(n);
  fillNormals(rng, X, F, 0, k);
  let r1 = 0;
  for (const [c, size] of clusterSizes(n).entries()) {
    const r0 = r1;
    r1 += size;
    y.fill(c % CLASSES, r0, r1);
    mixCluster(X, F, k, r0, r1, signedUniforms(rng, k * k), centroids[c]);
  }
  if (m > 0) addRedundant(X, F, k, m, signedUniforms(rng, k * m));
  fillNormals(rng, X, F, k + m, F - k - m);
  const flip = Float64Array.from({ length: n }, () => rng.uniform()).map((u) => (u < o.flipY ? 1 : 0));
  for (let r = 0; r < n; r++) if (flip[r]) y[r] = rng.randint(CLASSES);
  if (o.shuffle === false) return { X: { data: X, rows: n, cols: F }, y };
  return { X: shuffleRowsAndColumns(rng, X, y, F), y };
}
