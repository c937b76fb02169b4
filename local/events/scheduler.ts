import { nextFireTime, parseScheduleExpression } from '../../core/events/schedule-expression.js';
import type { ScheduleEntry, ScheduleState } from './schedule-state.js';

/** A schedule rule as of this tick: its id, expression, and what it starts when due. */
export interface ScheduledJob {
  readonly id: string;
  readonly expression: string;
  /** Starts the target; the scheduler does not wait for it (the bus tracks it). */
  readonly fire: () => void;
}

export interface LocalSchedulerOptions {
  readonly state: ScheduleState;
  readonly now: () => Date;
  /** How often due schedules are looked for (EventBridge fires at minute resolution). */
  readonly tickMs: number;
  /** The schedule rules now: read every tick, so a changed experiment schedule applies at once. */
  readonly jobs: () => Promise<readonly ScheduledJob[]>;
  readonly onError: (message: string, error: unknown) => void;
}

/**
 * Runs schedule rules in-process. A rule seen for the first time (or whose expression changed)
 * is created at that moment: a rate counts its periods from then, as EventBridge does, and
 * nothing fires at once. A due rule fires once however many of its times passed while the
 * runtime was down, and its fire time is saved before its target starts, so a restart never
 * fires the same time twice.
 */
export class LocalScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(private readonly options: LocalSchedulerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops ticking and waits for a tick in progress (the bus waits for the targets). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Fires every due rule once; returns their ids. Ticks never overlap. */
  tick(): Promise<string[]> {
    const previous = this.running ?? Promise.resolve();
    const next = previous.then(() => this.fireDue());
    this.running = next.catch(() => undefined);
    return next;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick()
        .catch((error: unknown) => this.options.onError('scheduler tick failed', error))
        .finally(() => this.schedule());
    }, this.options.tickMs);
    // The scheduler alone must not keep a process (a test, a CLI) alive.
    this.timer.unref();
  }

  private async fireDue(): Promise<string[]> {
    const now = this.options.now();
    const jobs = await this.options.jobs();
    const previous = await this.options.state.load();
    const entries: Record<string, ScheduleEntry> = {};
    const due: ScheduledJob[] = [];
    for (const job of jobs) {
      const entry = this.entryFor(job, previous[job.id], now);
      if (!entry) continue;
      entries[job.id] = entry.entry;
      if (entry.due) due.push(job);
    }
    await this.options.state.save(entries);
    for (const job of due) job.fire();
    return due.map((job) => job.id);
  }

  /** The rule's state after this tick and whether it fires; undefined when its expression is bad. */
  private entryFor(
    job: ScheduledJob,
    saved: ScheduleEntry | undefined,
    now: Date,
  ): { entry: ScheduleEntry; due: boolean } | undefined {
    let schedule;
    try {
      schedule = parseScheduleExpression(job.expression, job.id);
    } catch (error) {
      this.options.onError(`schedule ${job.id} skipped`, error);
      return undefined;
    }
    const entry: ScheduleEntry =
      saved && saved.expression === job.expression
        ? saved
        : { expression: job.expression, anchor: now.toISOString() };
    const anchor = new Date(entry.anchor);
    const after = entry.lastFire ? new Date(entry.lastFire) : anchor;
    const next = nextFireTime(schedule, after, anchor);
    if (!next || next.getTime() > now.getTime()) return { entry, due: false };
    return { entry: { ...entry, lastFire: now.toISOString() }, due: true };
  }
}
