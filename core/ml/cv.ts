import { createRng, deriveSeed, shuffleInPlace } from './random.js';

export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

function toFolds(assignment: Int32Array, k: number): Fold[] {
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    assignment.forEach((a, i) => {
      if (a === f) test.push(i);
      else train.push(i);
    });
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}

/** Shuffled k-fold: rows dealt round-robin into k folds after a seeded shuffle. */
export function kFold(n: number, k: number, seed: number): Fold[] {
  if (k < 2 || k > n) throw new RangeError(`k-fold: k=${k} must be in [2, ${n}]`);
  const order = shuffleInPlace(
    Array.from({ length: n }, (_, i) => i),
    createRng(seed),
  );
  const assignment = new Int32Array(n);
  order.forEach((row, pos) => {
    assignment[row] = pos % k;
  });
  return toFolds(assignment, k);
}

/**
 * Stratified k-fold: each class's rows are shuffled and dealt round-robin, continuing the
 * deal across classes, so every fold holds each class in proportion (sizes differ by at most 1).
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, seed: number): Fold[] {
  const n = labels.length;
  if (k < 2 || k > n) throw new RangeError(`stratified k-fold: k=${k} must be in [2, ${n}]`);
  const rng = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const rows = byClass.get(labels[i]);
    if (rows) rows.push(i);
    else byClass.set(labels[i], [i]);
  }
  const assignment = new Int32Array(n);
  let pos = 0;
  for (const key of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const row of shuffleInPlace(byClass.get(key) ?? [], rng)) assignment[row] = pos++ % k;
  }
  return toFolds(assignment, k);
}

/** Repeats a fold generator with a seed derived per repeat; folds of all repeats in order. */
export function repeatedFolds(repeats: number, seed: number, make: (seed: number) => Fold[]): Fold[] {
  return Array.from({ length: repeats }, (_, r) => make(deriveSeed(seed, r))).flat();
}
