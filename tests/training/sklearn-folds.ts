/**
 * The reference's folds, exactly: scikit-learn's RepeatedKFold / RepeatedStratifiedKFold
 * (5 splits, shuffled, random_state=0) draw from numpy's legacy RandomState (MT19937), so a
 * port of that generator and of the two fold rules reproduces the very rows the reference
 * scored. Comparing on the same folds removes fold-to-fold noise (on diabetes one 5-fold
 * repeat of the same model swings by +-0.03 R2), leaving only the models' differences.
 */
import type { Fold } from '../../core/ml/cv.js';
import { NumpyRandomState } from '../../core/ml/numpy-random.js';

function foldsFromAssignment(testFold: Int32Array, k: number): Fold[] {
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    testFold.forEach((a, i) => (a === f ? test : train).push(i));
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  });
}

/** RepeatedKFold(n_splits=k, n_repeats, random_state=seed). */
export function sklearnRepeatedKFold(n: number, k: number, repeats: number, seed: number): Fold[] {
  const rng = new NumpyRandomState(seed);
  const out: Fold[] = [];
  for (let r = 0; r < repeats; r++) {
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    rng.shuffle(idx);
    const assignment = new Int32Array(n);
    let pos = 0;
    for (let f = 0; f < k; f++) {
      const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
      for (let i = 0; i < size; i++) assignment[idx[pos++]] = f;
    }
    out.push(...foldsFromAssignment(assignment, k));
  }
  return out;
}

/** RepeatedStratifiedKFold(n_splits=k, n_repeats, random_state=seed), scikit-learn >= 0.22 rule. */
export function sklearnRepeatedStratifiedKFold(
  labels: ArrayLike<number>,
  k: number,
  repeats: number,
  seed: number,
): Fold[] {
  const n = labels.length;
  // Classes are numbered by first appearance, as scikit-learn encodes them.
  const code = new Map<number, number>();
  const encoded = Int32Array.from({ length: n }, (_, i) => {
    if (!code.has(labels[i])) code.set(labels[i], code.size);
    return code.get(labels[i]) ?? 0;
  });
  const nClasses = code.size;
  const sorted = Int32Array.from(encoded).sort();
  // allocation[f][c]: rows of class c in test fold f, dealt round robin over the sorted labels.
  const allocation = Array.from({ length: k }, () => new Int32Array(nClasses));
  sorted.forEach((c, i) => allocation[i % k][c]++);
  const rng = new NumpyRandomState(seed);
  const out: Fold[] = [];
  for (let r = 0; r < repeats; r++) {
    const testFold = new Int32Array(n);
    for (let c = 0; c < nClasses; c++) {
      const folds: number[] = [];
      for (let f = 0; f < k; f++) for (let j = 0; j < allocation[f][c]; j++) folds.push(f);
      const block = Int32Array.from(folds);
      rng.shuffle(block);
      let pos = 0;
      for (let i = 0; i < n; i++) if (encoded[i] === c) testFold[i] = block[pos++];
    }
    out.push(...foldsFromAssignment(testFold, k));
  }
  return out;
}
