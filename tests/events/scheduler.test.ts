import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalScheduler, type ScheduledJob } from '../../local/events/scheduler.js';
import { ScheduleState } from '../../local/events/schedule-state.js';
import { testClock } from '../emulators/harness.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cirrus-scheduler-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const MINUTE = 60_000;

/** A scheduler over jobs that record their fire times on the test clock. */
function setup(
  clock = testClock('2030-01-01T00:00:00.000Z'),
  expressions: Record<string, string> = { every5: 'rate(5 minutes)' },
) {
  const fired: { id: string; at: string }[] = [];
  const jobs = { ...expressions };
  const make = () =>
    new LocalScheduler({
      state: new ScheduleState(dataDir),
      now: clock.now,
      tickMs: 5,
      jobs: async (): Promise<ScheduledJob[]> =>
        Object.entries(jobs).map(([id, expression]) => ({
          id,
          expression,
          fire: () => fired.push({ id, at: clock.now().toISOString() }),
        })),
      onError: (message, error) => {
        throw new Error(`${message}: ${String(error)}`);
      },
    });
  return { clock, fired, jobs, make };
}

describe('LocalScheduler', () => {
  it('fires a rate schedule once per period, counted from when the rule was created', async () => {
    const { clock, fired, make } = setup();
    const scheduler = make();
    expect(await scheduler.tick()).toEqual([]); // created now: nothing fires at once
    clock.advance(4 * MINUTE);
    expect(await scheduler.tick()).toEqual([]);
    clock.advance(MINUTE + 1000);
    expect(await scheduler.tick()).toEqual(['every5']);
    expect(await scheduler.tick()).toEqual([]); // same period: not again
    clock.advance(4 * MINUTE);
    expect(await scheduler.tick()).toEqual([]); // 00:09:01
    clock.advance(MINUTE);
    expect(await scheduler.tick()).toEqual(['every5']); // 00:10:01 — the cadence stays on the anchor
    expect(fired.map((f) => f.at)).toEqual(['2030-01-01T00:05:01.000Z', '2030-01-01T00:10:01.000Z']);
  });

  it('does not fire twice for the same time after a restart, and fires once after downtime', async () => {
    const { clock, fired, make } = setup();
    await make().tick();
    clock.advance(5 * MINUTE);
    expect(await make().tick()).toEqual(['every5']);
    // A new process (new scheduler, state re-read from disk) in the same period: nothing.
    clock.advance(30_000);
    expect(await make().tick()).toEqual([]);
    const saved = JSON.parse(await readFile(join(dataDir, 'events', 'schedules.json'), 'utf8'));
    expect(saved.every5).toEqual({
      expression: 'rate(5 minutes)',
      anchor: '2030-01-01T00:00:00.000Z',
      lastFire: '2030-01-01T00:05:00.000Z',
    });
    // Down for an hour: the twelve missed times coalesce into one fire.
    clock.advance(60 * MINUTE);
    expect(await make().tick()).toEqual(['every5']);
    expect(await make().tick()).toEqual([]);
    expect(fired).toHaveLength(2);
  });

  it('re-creates a rule whose expression changed, and drops rules that are gone', async () => {
    const { clock, jobs, make } = setup(undefined, { a: 'rate(5 minutes)', b: 'rate(1 minute)' });
    const scheduler = make();
    await scheduler.tick();
    clock.advance(3 * MINUTE);
    jobs.a = 'rate(2 minutes)';
    delete (jobs as Record<string, string>).b;
    expect(await scheduler.tick()).toEqual([]); // a re-anchored at 00:03, b removed
    clock.advance(2 * MINUTE);
    expect(await scheduler.tick()).toEqual(['a']);
    const saved = JSON.parse(await readFile(join(dataDir, 'events', 'schedules.json'), 'utf8'));
    expect(Object.keys(saved)).toEqual(['a']);
    expect(saved.a.anchor).toBe('2030-01-01T00:03:00.000Z');
  });

  it('fires a cron schedule at its UTC minute', async () => {
    const { clock, make } = setup(testClock('2030-01-01T11:58:00.000Z'), { noon: 'cron(0 12 * * ? *)' });
    const scheduler = make();
    await scheduler.tick();
    clock.set('2030-01-01T11:59:59.000Z');
    expect(await scheduler.tick()).toEqual([]);
    clock.set('2030-01-01T12:00:10.000Z');
    expect(await scheduler.tick()).toEqual(['noon']);
    clock.set('2030-01-01T18:00:00.000Z');
    expect(await scheduler.tick()).toEqual([]);
    clock.set('2030-01-02T12:00:00.000Z');
    expect(await scheduler.tick()).toEqual(['noon']);
  });

  it('starts over from a corrupt state file instead of failing', async () => {
    const { clock, make } = setup();
    await make().tick();
    await writeFile(join(dataDir, 'events', 'schedules.json'), '{not json');
    clock.advance(5 * MINUTE);
    expect(await make().tick()).toEqual([]); // re-created at this tick
  });

  it('ticks on its own once started, and stop() ends the ticking (fake timers, no sleeping)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { clock, fired, make } = setup();
      const scheduler = make();
      await scheduler.tick();
      const ticks = vi.spyOn(scheduler, 'tick');
      clock.advance(5 * MINUTE);
      scheduler.start();
      expect(fired).toHaveLength(0); // nothing fires before the first tick interval
      await vi.advanceTimersByTimeAsync(5);
      await vi.waitFor(() => expect(fired).toHaveLength(1));
      await vi.advanceTimersByTimeAsync(5);
      expect(ticks.mock.calls.length).toBeGreaterThanOrEqual(2); // it keeps ticking while started
      // Stop between ticks, with the next tick's timer pending (setImmediate is not faked).
      await ticks.mock.results.at(-1)?.value;
      for (let i = 0; i < 10_000 && vi.getTimerCount() === 0; i++) await new Promise((r) => setImmediate(r));
      expect(vi.getTimerCount()).toBe(1);
      await scheduler.stop();
      const ticksAtStop = ticks.mock.calls.length;
      expect(vi.getTimerCount()).toBe(0);
      clock.advance(5 * MINUTE);
      await vi.advanceTimersByTimeAsync(10 * MINUTE);
      expect(ticks.mock.calls.length).toBe(ticksAtStop);
      expect(fired).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stop() during a tick leaves no next tick scheduled (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { make } = setup();
      const scheduler = make();
      const ticks = vi.spyOn(scheduler, 'tick');
      scheduler.start();
      await vi.advanceTimersByTimeAsync(5);
      expect(ticks).toHaveBeenCalledTimes(1); // its file I/O is still in flight
      await scheduler.stop();
      for (let i = 0; i < 100; i++) await new Promise((r) => setImmediate(r));
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(10 * MINUTE);
      expect(ticks).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
