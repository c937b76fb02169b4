/**
 * Fit times of svc and mlp on digits and kmeans on a generated 100k x 20 set (median of 3),
 * plus the linear trainers linear_svc and sgd on digits.
 * ../shared/reference-scores.md has no fit times for these models, so the reference printed
 * beside them is measured in the same run: one pass of the same data through a dense
 * matrix multiply (X @ W, W = F x 100), i.e. the cost of touching every value 100 times.
 *
 *   npx tsx bench/algorithms.ts
 */
import { readFileSync } from 'node:fs';
import { createRng } from '../core/ml/random.js';
import { matmul } from '../training/algorithms/kernel/dense.js';
import { mlp } from '../training/algorithms/kernel/mlp.js';
import { svc } from '../training/algorithms/kernel/svc.js';
import { linearSvc } from '../training/algorithms/linear/linear-svc.js';
import { sgd } from '../training/algorithms/linear/sgd.js';
import { kmeans } from '../training/algorithms/neighbors/kmeans.js';
import type { FitData, Matrix } from '../training/algorithms/types.js';

function median3(run: () => void): number {
  const times = [0, 1, 2].map(() => {
    const t0 = performance.now();
    run();
    return (performance.now() - t0) / 1000;
  });
  return times.sort((a, b) => a - b)[1];
}

function standardized(X: Matrix): Matrix {
  const data = Float64Array.from(X.data);
  for (let c = 0; c < X.cols; c++) {
    let m = 0;
    for (let r = 0; r < X.rows; r++) m += data[r * X.cols + c] / X.rows;
    let v = 0;
    for (let r = 0; r < X.rows; r++) v += (data[r * X.cols + c] - m) ** 2 / X.rows;
    const s = v > 0 ? Math.sqrt(v) : 1;
    for (let r = 0; r < X.rows; r++) data[r * X.cols + c] = (data[r * X.cols + c] - m) / s;
  }
  return { ...X, data };
}

function digits(): FitData {
  const lines = readFileSync(new URL('../datasets/digits.csv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const rows = lines.map((l) => l.split(',').map(Number));
  const cols = rows[0].length - 1;
  const data = Float64Array.from(rows.flatMap((r) => r.slice(0, cols)));
  return {
    X: standardized({ data, rows: rows.length, cols }),
    y: Float64Array.from(rows, (r) => r[cols]),
    task: 'classification',
    nClasses: 10,
    seed: 0,
  };
}

/** 100k x 20 blobs around 8 random centres (seeded). */
function blobs(): FitData {
  const rng = createRng(7);
  const [n, f, k] = [100_000, 20, 8];
  const centres = Float64Array.from({ length: k * f }, () => rng.normal() * 5);
  const data = new Float64Array(n * f);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < f; j++) data[i * f + j] = centres[(i % k) * f + j] + rng.normal();
  return { X: { data, rows: n, cols: f }, y: new Float64Array(0), task: 'clustering', nClasses: 0, seed: 0 };
}

function matmulPass(X: Matrix): number {
  const W = new Float64Array(X.cols * 100).fill(0.01);
  return median3(() => matmul(X.data, W, X.rows, X.cols, 100));
}

const d = digits();
const b = blobs();
// One reference pass per dataset, measured in this run beside the fits that use it.
const dRef = matmulPass(d.X);
const bRef = matmulPass(b.X);
const rows = [
  {
    what: 'svc (rbf, C=1) on digits 1797x64',
    fit: median3(() => svc.fit(d, svc.params.parse({}))),
    ref: dRef,
  },
  {
    what: 'mlp (100 relu, adam) on digits 1797x64',
    fit: median3(() => mlp.fit(d, mlp.params.parse({}))),
    ref: dRef,
  },
  {
    what: 'linear_svc (C=1, ovr) on digits 1797x64',
    fit: median3(() => linearSvc.fit(d, linearSvc.params.parse({}))),
    ref: dRef,
  },
  {
    what: 'sgd (hinge, ovr) on digits 1797x64',
    fit: median3(() => sgd.fit(d, sgd.params.parse({}))),
    ref: dRef,
  },
  {
    what: 'kmeans (k=8, n_init=10) on 100k x 20',
    fit: median3(() => kmeans.fit(b, kmeans.params.parse({}))),
    ref: bRef,
  },
];
console.log(
  'reference-scores.md lists no fit times for these models; reference = same-run X @ W (F x 100) pass',
);
console.table(
  rows.map((r) => ({
    model: r.what,
    'fit s (median of 3)': r.fit.toFixed(3),
    'matmul pass s': r.ref.toFixed(4),
    ratio: (r.fit / r.ref).toFixed(0),
  })),
);
