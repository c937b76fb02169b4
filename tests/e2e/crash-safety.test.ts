import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChildPlatform,
  callApi,
  IRIS_ROW,
  startChildPlatform,
  trainIrisEndpoint,
} from './child-platform.js';

/**
 * Issue 17, "Crash safety", on a real `cirrus local up` (a child process, as a user runs it):
 * feedback right after an answer finds it, and an answer survives the process being SIGKILLed.
 */
let dir = '';
let platform: ChildPlatform | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cirrus-crash-'));
  platform = await startChildPlatform(join(dir, 'data'));
  await trainIrisEndpoint(platform);
}, 240_000);

afterAll(async () => {
  if (platform && platform.child.exitCode === null) platform.child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('crash safety of the local platform', () => {
  it('finds every answered prediction for feedback sent the moment it is answered (50 at once)', async () => {
    const p = platform!;
    const statuses: number[] = [];
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          const answer = await callApi(p, 'POST', '/v1/endpoints/iris/predict', { features: IRIS_ROW });
          expect(answer.status).toBe(200);
          const id = answer.json.requestId as string;
          const feedback = await callApi(p, 'PUT', `/v1/predictions/${id}/feedback`, { actual: 2 });
          statuses.push(feedback.status);
        }),
      );
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});
