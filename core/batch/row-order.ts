/**
 * A batch's result as the Assemble state meets it: its rows, and its lines either in memory, at a
 * place in a result file (`at`: spilled, re-read when its turn comes) or in part objects.
 */
export interface BatchLines {
  readonly firstRow: number;
  readonly rows: number;
  lines?: string;
  errorLines?: string;
  readonly at?: { readonly key: string; readonly start: number; readonly end: number };
  readonly part?: string | null;
  readonly errorsPart?: string | null;
}

/** Characters of lines a batch holds in memory. */
const held = (b: BatchLines) => (b.lines?.length ?? 0) + (b.errorLines?.length ?? 0);

/**
 * Puts batch results back in row order with bounded memory: results are emitted as soon as the
 * rows before them are out (batches cover rows 0.. without gaps; failed batches' rows are
 * `skipped`). Results that arrive early wait in memory up to `windowChars`; past that the ones
 * furthest ahead drop their lines and keep only their place (`at`), to be re-read by `emit`.
 */
export class RowOrder {
  private readonly pending = new Map<number, BatchLines>();
  private heldChars = 0;
  private next = 0;

  constructor(
    private readonly emit: (batch: BatchLines) => Promise<void>,
    private readonly skipped: ReadonlyMap<number, number>,
    private readonly windowChars: number,
  ) {}

  async add(batch: BatchLines): Promise<void> {
    this.pending.set(batch.firstRow, batch);
    this.heldChars += held(batch);
    await this.drain();
    if (this.heldChars > this.windowChars) this.spill();
  }

  /** Emits what is left, in row order (all of it, even past a gap no batch filled). */
  async finish(): Promise<void> {
    await this.drain();
    const rest = [...this.pending.values()].sort((a, b) => a.firstRow - b.firstRow);
    this.pending.clear();
    for (const batch of rest) await this.emit(batch);
  }

  private async drain(): Promise<void> {
    for (;;) {
      const gap = this.skipped.get(this.next);
      if (gap !== undefined) {
        this.next += gap;
        continue;
      }
      const batch = this.pending.get(this.next);
      if (!batch) return;
      this.pending.delete(this.next);
      this.heldChars -= held(batch);
      this.next = batch.firstRow + batch.rows;
      await this.emit(batch);
    }
  }

  /** Drops the lines of the results furthest ahead until the rest fit the window. */
  private spill(): void {
    const ahead = [...this.pending.values()].filter((b) => b.at && held(b) > 0);
    ahead.sort((a, b) => b.firstRow - a.firstRow);
    for (const batch of ahead) {
      if (this.heldChars <= this.windowChars) return;
      this.heldChars -= held(batch);
      batch.lines = undefined;
      batch.errorLines = undefined;
    }
  }
}
