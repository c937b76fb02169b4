import type { SplitStrategy } from '../../contracts/training-request.js';
import { ValidationError } from '../errors.js';
import { createRng, shuffleInPlace } from '../ml/random.js';

export interface SplitOptions {
  readonly strategy: SplitStrategy;
  /** Fraction of rows in the test set, in (0, 1). */
  readonly testSize: number;
  readonly seed: number;
  /** Class label per row; required for `stratified`. */
  readonly labels?: readonly string[];
}

export interface SplitIndices {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The stratified split decided from class counts alone: for each class (in sorted order, one
 * seeded generator, as `stratified` draws them) which in-class ranks go to the test set. A
 * shuffle's permutation depends only on the array's length and the generator, so the k-th row of
 * a class is in the test set exactly when `splitRows` puts it there. Lets a split stream its rows
 * once when the counts were recorded (a dataset's values.json).
 */
export function stratifiedRanks(
  counts: ReadonlyMap<string, number>,
  testSize: number,
  seed: number,
): { inTest: Map<string, Uint8Array>; rows: { train: number; test: number } } {
  const n = [...counts.values()].reduce((a, b) => a + b, 0);
  checkSplit(n, testSize);
  const rng = createRng(seed);
  const inTest = new Map<string, Uint8Array>();
  let test = 0;
  for (const key of [...counts.keys()].sort()) {
    const size = counts.get(key)!;
    const ranks = shuffleInPlace(Int32Array.from(range(size)), rng);
    const marks = new Uint8Array(size);
    const take = Math.round(size * testSize);
    for (let i = 0; i < take; i++) marks[ranks[i]!] = 1;
    inTest.set(key, marks);
    test += take;
  }
  checkSides(test, n, testSize);
  return { inTest, rows: { train: n - test, test } };
}

function checkSplit(n: number, testSize: number): void {
  if (!(testSize > 0 && testSize < 1)) throw new ValidationError('testSize: must be in (0, 1)', 'testSize');
  if (n < 2) throw new ValidationError(`testSize: cannot split ${n} row(s) into train and test`, 'testSize');
}

function checkSides(test: number, n: number, testSize: number): void {
  if (test === 0 || test === n) {
    throw new ValidationError(
      `testSize: ${testSize} of ${n} rows leaves an empty train or test set`,
      'testSize',
    );
  }
}

function stratified(labels: readonly string[], testSize: number, seed: number): number[] {
  const byClass = new Map<string, number[]>();
  labels.forEach((l, i) => {
    const rows = byClass.get(l);
    if (rows) rows.push(i);
    else byClass.set(l, [i]);
  });
  const rng = createRng(seed);
  const test: number[] = [];
  for (const key of [...byClass.keys()].sort()) {
    const rows = shuffleInPlace(byClass.get(key) ?? [], rng);
    // A loop, not push(...rows): spreading a class's 100k+ rows overflows the call stack.
    const take = Math.round(rows.length * testSize);
    for (let i = 0; i < take; i++) test.push(rows[i]!);
  }
  return test;
}

/**
 * Splits row indices into train and test sets: `shuffle` (seeded), `stratified` (seeded, each
 * class in proportion), `last` (the last rows are the test set). Both sets are non-empty and
 * sorted, so the train/test CSVs keep the file's row order.
 */
export function splitRows(n: number, options: SplitOptions): SplitIndices {
  const { strategy, testSize, seed } = options;
  checkSplit(n, testSize);
  let test: number[];
  if (strategy === 'last') {
    test = range(n).slice(n - Math.max(1, Math.round(n * testSize)));
  } else if (strategy === 'shuffle') {
    test = shuffleInPlace(range(n), createRng(seed)).slice(0, Math.max(1, Math.round(n * testSize)));
  } else {
    if (!options.labels || options.labels.length !== n)
      throw new ValidationError('split: stratified needs one label per row', 'split');
    test = stratified(options.labels, testSize, seed);
  }
  checkSides(test.length, n, testSize);
  const inTest = new Uint8Array(n);
  for (const i of test) inTest[i] = 1;
  const train = range(n).filter((i) => !inTest[i]);
  return { train: Int32Array.from(train), test: Int32Array.from(test.sort((a, b) => a - b)) };
}
