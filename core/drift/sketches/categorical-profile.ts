import type { CategoricalProfile } from '../../../contracts/drift.js';
import { toCategory } from './values.js';

/** Categories beyond this are lumped into `otherCount`, so a free-text column cannot blow memory. */
export const CATEGORY_CAP = 10_000;

/** Category counts with a cap; shared by the baseline builder and the current window. */
export class CategoryCounter {
  readonly counts = new Map<string, number>();
  other = 0;
  count = 0;
  missing = 0;

  constructor(private readonly cap: number = CATEGORY_CAP) {}

  add(raw: unknown): void {
    const key = toCategory(raw);
    if (key === undefined) {
      this.missing++;
      return;
    }
    this.count++;
    const seen = this.counts.get(key);
    if (seen !== undefined) this.counts.set(key, seen + 1);
    else if (this.counts.size < this.cap) this.counts.set(key, 1);
    else this.other++;
  }

  get missingRate(): number {
    const total = this.count + this.missing;
    return total === 0 ? 0 : this.missing / total;
  }
}

/** Streams one categorical column (or the predicted labels) into its baseline profile. */
export class CategoricalProfileBuilder {
  private readonly counter: CategoryCounter;

  constructor(
    readonly name: string,
    cap: number = CATEGORY_CAP,
  ) {
    this.counter = new CategoryCounter(cap);
  }

  add(raw: unknown): void {
    this.counter.add(raw);
  }

  finish(): CategoricalProfile {
    const { counts, count, missing, other } = this.counter;
    const frequencies: Record<string, number> = {};
    for (const [key, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)))
      frequencies[key] = n;
    return {
      name: this.name,
      type: 'categorical',
      count,
      missing,
      missingRate: this.counter.missingRate,
      distinctCount: counts.size + (other > 0 ? 1 : 0),
      frequencies,
      otherCount: other,
    };
  }
}
