import { describe, expect, it } from 'vitest';
import type { PipelineRequest } from '../../contracts/pipeline.js';
import type { PipelineRunner } from '../../core/ports.js';
import { createDriftHandler } from '../../lambdas/drift/handler.js';
import { createRetrainHandler } from '../../lambdas/retrain/handler.js';
import { makeRows } from '../drift/fixtures/drift-data.js';
import { logRows, recordingPublisher, serveModel } from '../drift/fixtures/served-model.js';
import { useEmulators } from '../emulators/harness.js';

// The Lambda handlers over emulator deps; the AWS control plane (EventBridge PutEvents, Step
// Functions StartExecution) is a recording double here.
const { deps } = useEmulators();

describe('drift and retrain Lambda handlers', () => {
  it('evaluates every endpoint on the scheduled event, or the one an event names', async () => {
    const { version } = await serveModel(deps(), { model: 'shop', endpoints: ['shop', 'shop-eu'] });
    const rows = makeRows({ seed: 404, rows: 1500, shift: true });
    await logRows(deps(), {
      endpoint: 'shop',
      model: 'shop',
      version,
      rows,
      at: new Date(Date.now() - 60_000),
    });
    const events = recordingPublisher();
    const handler = createDriftHandler(deps, () => events);

    const all = await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
    expect(all.failed).toEqual([]);
    expect(all.evaluated.map((e) => [e.endpoint, e.status, e.event]).sort()).toEqual([
      ['shop', 'ok', 'published'],
      ['shop-eu', 'not_enough_data', 'none'],
    ]);
    expect(events.published.map((p) => p.detail.endpoint)).toEqual(['shop']);

    const one = await handler({ detail: { endpoint: 'shop-eu', windowHours: 2 } });
    expect(one.evaluated).toMatchObject([{ endpoint: 'shop-eu', status: 'not_enough_data' }]);
    await expect(handler({ detail: { endpoint: 'shop', windowHours: 'soon' } })).rejects.toMatchObject({
      field: 'event.detail.windowHours',
    });
  });

  it('starts the training state machine for the drift event it is handed', async () => {
    const started: PipelineRequest[] = [];
    const runner: PipelineRunner = {
      async start(_pipeline, _name, input) {
        started.push((input as { request: PipelineRequest }).request);
        return { executionId: 'arn:aws:states:us-east-1:000000000000:execution:cirrus-training:x' };
      },
      describe: () => Promise.reject(new Error('not used')),
    };
    const handler = createRetrainHandler(deps, () => runner);
    const reportUri = 's3://cirrus-artifacts/drift/shop/r1.json';
    const result = await handler({
      source: 'cirrus',
      'detail-type': 'ModelDriftDetected',
      detail: { endpoint: 'shop', model: 'shop', version: 1, reportUri, reportId: 'r1', experiment: 'shop' },
    });
    expect(result.runId).toBe(started[0].runId);
    expect(started[0]).toMatchObject({ experiment: 'shop', triggeredBy: reportUri });
    await expect(handler({ source: 'cirrus', 'detail-type': 'Unknown', detail: {} })).rejects.toMatchObject({
      field: 'event.detail-type',
    });
  });
});
