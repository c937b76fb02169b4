import { describe, expect, it } from 'vitest';
import type { RunInput } from '../../contracts/tracking.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import {
  bestRun,
  createExperiment,
  createRun,
  getRun,
  listRuns,
  recordRunResults,
  transitionRun,
} from '../../core/tracking/index.js';
import { testClock, useEmulators } from '../emulators/harness.js';

// Real dynalite: the conditional writes under test are the emulator's, not a mock's.
const clock = testClock('2030-01-01T00:00:00.000Z');
const { deps } = useEmulators({ now: clock.now });

const VERSION = 'a'.repeat(64);
const runInput = (experiment: string, id: string, algorithm = 'logistic_regression'): RunInput => ({
  id,
  experiment,
  algorithm,
  dataset: { name: 'iris', version: VERSION, target: 'target' },
  split: { strategy: 'stratified', testSize: 0.25, seed: 0 },
});

async function finished(experiment: string, id: string, status: 'SUCCEEDED' | 'FAILED', score?: number) {
  clock.advance(1000);
  await createRun(deps(), runInput(experiment, id));
  await transitionRun(deps(), { runId: id, status: 'RUNNING', reason: 'validated' });
  return transitionRun(deps(), { runId: id, status, reason: 'done', results: { score } });
}

describe('listRuns', () => {
  it('orders an experiment’s runs by creation time, both ways, across pages', async () => {
    await createExperiment(deps(), { name: 'ordered', task: 'classification' });
    // Ids sort the other way round from time: the order must come from createdAt.
    for (const [at, id] of [
      ['2030-01-01T00:00:01.000Z', 'r-c'],
      ['2030-01-01T00:00:02.000Z', 'r-b'],
      ['2030-01-01T00:00:03.000Z', 'r-a'],
    ]) {
      clock.set(at);
      await createRun(deps(), runInput('ordered', id));
    }
    await createExperiment(deps(), { name: 'other', task: 'classification' });
    await createRun(deps(), runInput('other', 'r-other'));

    const asc = await listRuns(deps(), { experiment: 'ordered' });
    const desc = await listRuns(deps(), { experiment: 'ordered', order: 'desc' });
    const page1 = await listRuns(deps(), { experiment: 'ordered', limit: 2 });
    const page2 = await listRuns(deps(), { experiment: 'ordered', limit: 2, pageToken: page1.nextToken });

    expect(asc.runs.map((r) => r.id)).toEqual(['r-c', 'r-b', 'r-a']);
    expect(desc.runs.map((r) => r.id)).toEqual(['r-a', 'r-b', 'r-c']);
    expect([...page1.runs, ...page2.runs].map((r) => r.id)).toEqual(['r-c', 'r-b', 'r-a']);
  });
});

describe('bestRun', () => {
  it('picks the best score among SUCCEEDED runs, in the metric’s direction', async () => {
    await createExperiment(deps(), { name: 'scored', task: 'classification' });
    await finished('scored', 's-low', 'SUCCEEDED', 0.81);
    // A tie goes to the earlier run (created first, although its id sorts later).
    await finished('scored', 's-z-high', 'SUCCEEDED', 0.93);
    await finished('scored', 's-a-tie', 'SUCCEEDED', 0.93);
    await finished('scored', 's-failed', 'FAILED', 0.99);
    await createRun(deps(), runInput('scored', 's-queued'));
    await recordRunResults(deps(), { runId: 's-queued', score: 1 });

    expect((await bestRun(deps(), { experiment: 'scored' }))?.id).toBe('s-z-high');
    expect((await bestRun(deps(), { experiment: 'scored', direction: 'minimize' }))?.id).toBe('s-low');
    expect(await bestRun(deps(), { experiment: 'ordered' })).toBeNull();
  });
});

describe('transitionRun', () => {
  it('refuses a move the lifecycle does not allow and leaves the run as it was', async () => {
    await createExperiment(deps(), { name: 'lifecycle', task: 'classification' });
    await createRun(deps(), runInput('lifecycle', 'l-1'));

    await expect(
      transitionRun(deps(), { runId: 'l-1', status: 'SUCCEEDED', reason: 'skipped RUNNING' }),
    ).rejects.toThrow(new ConflictError("run 'l-1' is QUEUED; it cannot move to SUCCEEDED"));
    await transitionRun(deps(), { runId: 'l-1', status: 'RUNNING', reason: 'validated' });
    await transitionRun(deps(), { runId: 'l-1', status: 'FAILED', reason: 'trainer died' });
    await expect(
      transitionRun(deps(), { runId: 'l-1', status: 'RUNNING', reason: 'revive' }),
    ).rejects.toBeInstanceOf(ConflictError);

    const run = await getRun(deps(), { runId: 'l-1' });
    expect(run.statusHistory.map((s) => [s.status, s.reason])).toEqual([
      ['QUEUED', 'created'],
      ['RUNNING', 'validated'],
      ['FAILED', 'trainer died'],
    ]);
  });

  it('lets exactly one of ten concurrent transitions win; the others get a Conflict', async () => {
    await createExperiment(deps(), { name: 'racing', task: 'classification' });
    await createRun(deps(), runInput('racing', 'race-1'));
    await transitionRun(deps(), { runId: 'race-1', status: 'RUNNING', reason: 'validated' });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        transitionRun(deps(), {
          runId: 'race-1',
          status: i % 2 ? 'SUCCEEDED' : 'FAILED',
          reason: `writer ${i}`,
          results: { score: i },
        }),
      ),
    );

    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    const losers = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(9);
    for (const error of losers) expect(error).toBeInstanceOf(ConflictError);
    const run = await getRun(deps(), { runId: 'race-1' });
    expect(run.statusHistory).toHaveLength(3);
    const winner = run.statusHistory[2]!;
    expect(run.status).toBe(winner.status);
    expect(run.score).toBe(Number(winner.reason.replace('writer ', '')));
  });

  it('names a run that does not exist', async () => {
    await expect(getRun(deps(), { runId: 'ghost' })).rejects.toThrow(new NotFoundError('run', 'ghost'));
    await expect(
      transitionRun(deps(), { runId: 'ghost', status: 'RUNNING', reason: 'x' }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
