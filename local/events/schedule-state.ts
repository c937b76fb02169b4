import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';

/** One schedule rule's persisted state: when it was created (a rate's anchor) and last fired. */
const EntrySchema = z.object({
  expression: z.string(),
  anchor: z.iso.datetime(),
  lastFire: z.iso.datetime().optional(),
});
export type ScheduleEntry = z.infer<typeof EntrySchema>;

const StateSchema = z.record(z.string(), EntrySchema);

/**
 * Last-fire times of the local schedules in `<dataDir>/events/schedules.json`, so a restarted
 * runtime neither fires a schedule twice for the same time nor resets a rate's cadence.
 * Written atomically (temp file + rename): a crash leaves the old state or the new one.
 */
export class ScheduleState {
  private readonly file: string;
  private entries: Record<string, ScheduleEntry> | undefined;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'events', 'schedules.json');
  }

  async load(): Promise<Record<string, ScheduleEntry>> {
    if (this.entries) return this.entries;
    try {
      const parsed = StateSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      // A corrupt file must not stop the runtime: start the schedules afresh.
      this.entries = parsed.success ? parsed.data : {};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
      this.entries = {};
    }
    return this.entries;
  }

  async save(entries: Record<string, ScheduleEntry>): Promise<void> {
    this.entries = entries;
    await mkdir(join(this.file, '..'), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(entries, null, 2)}\n`);
    await rename(temp, this.file);
  }
}
