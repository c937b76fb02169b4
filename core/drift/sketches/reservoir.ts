import { createRng, type Rng } from '../../ml/random.js';

/**
 * Uniform reservoir sample of a stream (Li's Algorithm L): after the reservoir fills, it draws
 * how many items to skip instead of one random number per item, so a stream of N items costs
 * O(k·log(N/k)) random draws and the per-item work is a counter decrement.
 */
export class Reservoir {
  private readonly buffer: Float64Array;
  private readonly rng: Rng;
  private seen = 0;
  private w = 0;
  private nextIndex = 0;

  constructor(
    readonly capacity: number,
    seed: number,
  ) {
    this.buffer = new Float64Array(capacity);
    this.rng = createRng(seed);
  }

  /** In (0, 1]: logarithms of it stay finite. */
  private open(): number {
    return 1 - this.rng.next();
  }

  private scheduleNext(): void {
    this.w *= Math.exp(Math.log(this.open()) / this.capacity);
    this.nextIndex += Math.floor(Math.log(this.open()) / Math.log(1 - this.w)) + 1;
  }

  add(value: number): void {
    const index = this.seen++;
    if (index < this.capacity) {
      this.buffer[index] = value;
      if (index === this.capacity - 1) {
        this.w = 1;
        this.nextIndex = index;
        this.scheduleNext();
      }
      return;
    }
    if (index === this.nextIndex) {
      this.buffer[this.rng.int(this.capacity)] = value;
      this.scheduleNext();
    }
  }

  /** Items offered so far. */
  get count(): number {
    return this.seen;
  }

  /** The sample, ascending (a copy). */
  sorted(): Float64Array {
    return this.buffer.slice(0, Math.min(this.seen, this.capacity)).sort();
  }
}
