/**
 * First Wasserstein distance between the empirical distributions of two ascending-sorted
 * samples: ∫ |F_a(x) - F_b(x)| dx (scipy.stats.wasserstein_distance without weights).
 */
export function wassersteinDistance(sortedA: ArrayLike<number>, sortedB: ArrayLike<number>): number {
  const n = sortedA.length;
  const m = sortedB.length;
  if (n === 0 || m === 0) return 0;
  let i = 0;
  let j = 0;
  let x = Math.min(sortedA[0], sortedB[0]);
  let total = 0;
  while (i < n || j < m) {
    const next = j >= m || (i < n && sortedA[i] <= sortedB[j]) ? sortedA[i] : sortedB[j];
    total += Math.abs(i / n - j / m) * (next - x);
    x = next;
    while (i < n && sortedA[i] === x) i++;
    while (j < m && sortedB[j] === x) j++;
  }
  return total;
}

/**
 * Evidently's `wasserstein` drift score: the distance divided by the reference's population
 * standard deviation, floored at 0.001 so a constant reference does not divide by zero.
 */
export function normalizedWasserstein(
  sortedRef: ArrayLike<number>,
  sortedCur: ArrayLike<number>,
  refStd: number,
): number {
  return wassersteinDistance(sortedRef, sortedCur) / Math.max(refStd, 0.001);
}
