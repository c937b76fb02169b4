import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CirrusEvent } from '../../contracts/events.js';
import { createApp } from '../../lambdas/api/app.js';
import type { ApiContext } from '../../lambdas/api/context.js';
import { FileDeadLetterQueue, localRedeliveryTargets } from '../../local/events/dead-letter-store.js';
import { startTestEmulators, type TestEmulators } from '../serving/emulators.js';
import { recordingRunner } from './fixtures.js';

// The two dead-letter routes over the local queue (files) and a local target, in-process:
// request validation, the answers' shape, and the 501 of a runtime without a queue. The failed
// delivery → list → redrive story runs through the CLI in tests/cli/dead-letters.test.ts.
let emu: TestEmulators;
let dir: string;
let queue: FileDeadLetterQueue;
const delivered: CirrusEvent[] = [];
let fail = true;

const event: CirrusEvent = {
  source: 'cirrus',
  'detail-type': 'RetrainRequested',
  detail: { experiment: 'iris' },
};

beforeAll(async () => {
  emu = await startTestEmulators();
  dir = await mkdtemp(join(tmpdir(), 'cirrus-dead-letters-api-'));
  queue = new FileDeadLetterQueue(dir);
});
afterAll(async () => {
  await emu?.close();
  await rm(dir, { recursive: true, force: true });
});

function app(withQueue = true) {
  const ctx: ApiContext = {
    deps: emu.deps,
    pipelines: recordingRunner(),
    events: { publish: async () => {} },
    ...(withQueue
      ? {
          deadLetters: {
            queue,
            targets: localRedeliveryTargets({
              retrain: async (e) => {
                if (fail) throw new Error('the state machine is not there');
                delivered.push(e);
              },
            }),
          },
        }
      : {}),
  };
  return createApp(ctx).app;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test JSON answers
const json = async (res: Response): Promise<any> => res.json();

const post = (body: unknown, withQueue = true) =>
  app(withQueue).request('/v1/dead-letters/redrive', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('dead-letter routes', () => {
  it('lists what the queue holds', async () => {
    const id = await queue.add({
      rule: 'RetrainRequested',
      target: 'retrain',
      event,
      attempts: 3,
      error: 'boom',
    });
    const res = await app().request('/v1/dead-letters');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      truncated: false,
      deadLetters: [
        {
          id,
          kind: 'rule',
          target: 'local:retrain',
          rule: 'RetrainRequested',
          error: 'boom',
          attempts: 3,
          firstSeen: expect.any(String),
          summary: 'RetrainRequested iris',
        },
      ],
    });
  });

  it.each([
    [{}, 'ids'],
    [{ ids: [] }, 'ids'],
    [{ all: true, ids: ['x'] }, 'ids'],
    [{ all: false }, 'all'],
  ])('refuses the redrive body %j, naming the field %s', async (body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((await json(res)).error).toMatchObject({ code: 'ValidationError', field });
  });

  it('keeps a dead letter its target refuses, then redrives it once the target takes it', async () => {
    const kept = await json(await post({ all: true }));
    expect(kept).toMatchObject({ redriven: 0, kept: 1, missing: 0 });
    expect(kept.results[0].reason).toBe('local:retrain refused it: the state machine is not there');
    fail = false;
    const done = await json(await post({ all: true }));
    expect(done).toMatchObject({ redriven: 1, kept: 0 });
    expect(delivered).toEqual([event]);
    expect((await json(await app().request('/v1/dead-letters'))).deadLetters).toEqual([]);
  });

  it('answers 501 where the runtime has no dead-letter queue', async () => {
    expect((await app(false).request('/v1/dead-letters')).status).toBe(501);
    expect((await post({ all: true }, false)).status).toBe(501);
  });
});
