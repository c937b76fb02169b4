import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys } from '../../core/storage/keys.js';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { call, train } from './platform-call.js';

/**
 * Issue 17: one request must never break an experiment for good. A write the reader's schema
 * would reject is refused; a malformed record written anyway (a foreign write) leaves the alias
 * movable, training deploying, and has a repair path that names the item.
 */
let dataDir = '';
let platform: LocalPlatform;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cirrus-poison-'));
  platform = await startLocalPlatform({ dataDir, port: 0, scheduler: false });
  expect((await call(platform, 'POST', '/v1/datasets', { name: 'iris', builtin: 'iris' })).status).toBe(201);
  const request = {
    task: 'classification',
    algorithm: 'logistic_regression',
    dataset: { name: 'iris' },
    target: 'target',
  };
  for (let i = 0; i < 2; i++) {
    const { run } = await train(platform, 'iris', { ...request, hyperparameters: { C: i + 1 } });
    expect(run?.json.status).toBe('SUCCEEDED');
  }
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('an alias write its reader would reject', () => {
  it('is refused with a 400 naming `by`, and the history still reads', async () => {
    const res = await call(platform, 'PUT', '/v1/models/iris/aliases/champion', { version: 1, by: '' });
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json.error.field).toBe('by');
    const history = await call(platform, 'GET', '/v1/models/iris/aliases/champion/history');
    expect(history.status).toBe(200);
  });
});

describe('a malformed alias-history entry written behind the API', () => {
  it('names the item, lets moves, rollback and training go on, and is repaired through the CLI path', async () => {
    const set = await call(platform, 'PUT', '/v1/models/iris/aliases/champion', { version: 2 });
    expect(set.status).toBe(200);
    const history = (await call(platform, 'GET', '/v1/models/iris/aliases/champion/history')).json.history;
    const last = history.at(-1);
    // A foreign write: the newest entry loses its author and its time.
    await platform.deps.ddb.send(
      new PutCommand({
        TableName: platform.deps.tables.registry,
        Item: {
          ...registryKeys.aliasLog('iris', 'champion', last.revision),
          ...last,
          by: '',
          at: 'yesterday',
        },
      }),
    );

    const broken = await call(platform, 'GET', '/v1/models/iris/aliases/champion/history');
    expect(broken.status).toBe(409);
    expect(broken.json.error.code).toBe('MalformedRecord');
    expect(broken.json.error.message).toContain(`ALIASLOG#iris#champion/REV#`);
    expect(broken.json.error.message).toContain('/v1/models/iris/aliases/champion/repair');

    // The head still reads: a move, a rollback and a training run's ApplyPolicy all go on.
    const moved = await call(platform, 'PUT', '/v1/models/iris/aliases/champion', { version: 1 });
    expect(moved.status, JSON.stringify(moved.json)).toBe(200);
    expect(moved.json.revision).toBe(last.revision + 1);
    const back = await call(platform, 'POST', '/v1/models/iris/rollback', {});
    expect(back.status, JSON.stringify(back.json)).toBe(200);
    expect(back.json.champion).toBe(2);
    const { run } = await train(platform, 'iris', {
      task: 'classification',
      algorithm: 'logistic_regression',
      dataset: { name: 'iris' },
      target: 'target',
      policy: 'most_recent',
    });
    expect(run?.json.status, JSON.stringify(run?.json.statusHistory)).toBe('SUCCEEDED');

    const repaired = await call(platform, 'POST', '/v1/models/iris/aliases/champion/repair', { by: 'sre' });
    expect(repaired.status, JSON.stringify(repaired.json)).toBe(200);
    expect(repaired.json.repaired).toEqual([{ revision: last.revision, fields: ['at', 'by'] }]);
    const healed = await call(platform, 'GET', '/v1/models/iris/aliases/champion/history');
    expect(healed.status).toBe(200);
    const entry = healed.json.history.find((e: { revision: number }) => e.revision === last.revision);
    expect(entry.by).toBe('unknown');
    expect(entry.reason).toMatch(/^\[repaired by sre at .*: at, by\]/);
    const again = await call(platform, 'POST', '/v1/models/iris/aliases/champion/repair', {});
    expect(again.json.repaired).toEqual([]);
  });
});
