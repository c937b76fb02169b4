import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { deployModel, IRIS, trainIris } from '../api/fixtures.js';
import { call } from './platform-call.js';

/**
 * stop() flushes the prediction log itself. The log's timer is set to an hour, so nothing but
 * stop() can write the answered predictions before the restart looks for them.
 */
let dataDir = '';
let platform: LocalPlatform | undefined;

afterAll(async () => {
  await platform?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const HOUR = 3_600_000;

describe('local platform stop()', () => {
  it('writes every answered prediction when only stop() can flush the log', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cirrus-flush-'));
    const serving = { log: { flushIntervalMs: HOUR } };
    const first = await startLocalPlatform({ dataDir, port: 0, scheduler: false, serving });
    platform = first;
    await deployModel(first.deps, 'iris', [trainIris('logistic_regression')]);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await call(first, 'POST', '/v1/endpoints/iris/predict', {
        features: IRIS[i * 10].features,
      });
      expect(res.status).toBe(200);
      ids.push(res.json.requestId as string);
    }
    await first.stop();

    platform = await startLocalPlatform({ dataDir, port: 0, scheduler: false, serving });
    for (const id of ids) {
      const found = await call(platform, 'GET', `/v1/predictions/${id}`);
      expect(found.status, id).toBe(200);
    }
  });
});
