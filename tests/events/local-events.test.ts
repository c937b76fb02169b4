import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PipelineRequest } from '../../contracts/pipeline.js';
import { listDriftReports } from '../../core/drift/index.js';
import type { PipelineName, PipelineRunner } from '../../core/ports.js';
import { updateExperiment } from '../../core/tracking/experiments.js';
import { createLocalEvents } from '../../local/events/index.js';
import { makeRows } from '../drift/fixtures/drift-data.js';
import { logRows, serveModel } from '../drift/fixtures/served-model.js';
import { testClock, useEmulators } from '../emulators/harness.js';

// Real emulators and the real local bus and scheduler on an injected clock (no waiting for
// minutes). The PipelineRunner is a recording double: that a start really runs the training
// state machine is tests/events/drift-retrain.test.ts's job.
const clock = testClock('2030-06-01T12:00:00.000Z');
const { deps } = useEmulators({ now: clock.now });
const MINUTE = 60_000;

interface Started {
  readonly pipeline: PipelineName;
  readonly name: string;
  readonly request: PipelineRequest;
}

function recordingRunner(): PipelineRunner & { started: Started[] } {
  const started: Started[] = [];
  return {
    started,
    async start(pipeline, name, input) {
      started.push({ pipeline, name, request: (input as { request: PipelineRequest }).request });
      return { executionId: `exec-${started.length}` };
    },
    async describe() {
      throw new Error('not used');
    },
  };
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cirrus-local-events-'));
  const { version } = await serveModel(deps(), { model: 'churn' });
  const rows = makeRows({ seed: 303, rows: 2000, shift: true });
  await logRows(deps(), {
    endpoint: 'churn',
    model: 'churn',
    version,
    rows,
    at: new Date(clock.now().getTime() - 30 * MINUTE),
  });
  await updateExperiment(deps(), {
    name: 'churn',
    retrainSchedule: { expression: 'rate(5 minutes)', enabled: true },
  });
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('createLocalEvents', () => {
  const runner = recordingRunner();

  it("retrains an experiment on its rate schedule, replaying its last request on the dataset's latest version", async () => {
    const events = createLocalEvents({ deps: deps(), runner, dataDir, tickMs: 5 });
    expect(await events.scheduler.tick()).toEqual([]); // the rules are created now
    clock.advance(5 * MINUTE);
    events.scheduler.start();
    await vi.waitFor(() => expect(runner.started).toHaveLength(1), { timeout: 10_000, interval: 5 });
    await events.scheduler.stop();

    const [{ pipeline, name, request }] = runner.started;
    expect(pipeline).toBe('training');
    expect(request).toMatchObject({
      experiment: 'churn',
      algorithm: 'logistic_regression',
      runId: name,
      triggeredBy: 'schedule:rate(5 minutes)',
    });
    expect(request.dataset).toEqual({ name: 'churn' }); // the pinned version is dropped: latest
    expect(events.bus.deliveries.map((d) => [d.rule, d.status])).toEqual([
      ['RetrainSchedule-churn', 'succeeded'],
    ]);
  });

  it('runs the drift schedule over every endpoint and routes its drift event to retraining', async () => {
    const events = createLocalEvents({ deps: deps(), runner, dataDir, tickMs: 5 });
    clock.advance(60 * MINUTE); // the drift schedule's hour is up, and the retrain rate's again
    expect((await events.scheduler.tick()).sort()).toEqual(['DriftSchedule', 'RetrainSchedule-churn']);
    await events.scheduler.stop(); // waits for the drift run and the deliveries it caused

    const [report] = await listDriftReports(deps(), { endpoint: 'churn' });
    expect(report).toMatchObject({ status: 'ok', driftDetected: true, event: 'published' });
    const triggers = runner.started
      .slice(1)
      .map((s) => s.request.triggeredBy)
      .sort();
    expect(triggers).toEqual([report.reportUri, 'schedule:rate(5 minutes)'].sort());
    const rules = events.bus.deliveries.map((d) => `${d.rule}:${d.status}`).sort();
    expect(rules).toEqual([
      'DriftDetected:succeeded',
      'DriftSchedule:succeeded',
      'RetrainSchedule-churn:succeeded',
    ]);
  });

  it('does not fire again after a restart within the same period', async () => {
    const before = runner.started.length;
    clock.advance(30_000);
    const restarted = createLocalEvents({ deps: deps(), runner, dataDir, tickMs: 5 });
    expect(await restarted.scheduler.tick()).toEqual([]);
    await restarted.scheduler.stop();
    expect(runner.started).toHaveLength(before);
  });

  it('reports a retrain rule whose experiment was never trained, without retrying it', async () => {
    const errors: string[] = [];
    const events = createLocalEvents({
      deps: deps(),
      runner,
      dataDir,
      onError: (m, e) => errors.push(`${m}: ${String(e)}`),
    });
    await events.publisher.publish('RetrainRequested', { experiment: 'never-trained' });
    await events.bus.idle();
    expect(events.bus.deliveries).toMatchObject([
      { rule: 'RetrainRequested', status: 'failed', attempts: 1 },
    ]);
    expect(errors[0]).toContain("experiment 'never-trained' not found");
  });
});
