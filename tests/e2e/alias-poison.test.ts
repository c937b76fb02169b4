import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryKeys } from '../../core/storage/keys.js';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { runCli } from '../cli/run-cli.js';
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

    // History lists what is readable and names the malformed entry with its repair.
    const broken = await call(platform, 'GET', '/v1/models/iris/aliases/champion/history');
    expect(broken.status).toBe(200);
    expect(broken.json.history).toHaveLength(history.length - 1);
    expect(broken.json.malformed).toHaveLength(1);
    expect(broken.json.malformed[0].item).toMatch(/^ALIASLOG#iris#champion\/REV#0*\d+$/);
    expect(broken.json.malformed[0].repair).toContain('/v1/models/iris/aliases/champion/repair');

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

const TRAIN = {
  task: 'classification',
  algorithm: 'logistic_regression',
  dataset: { name: 'iris' },
  target: 'target',
  policy: 'most_recent',
};

/** A current-alias item as an old version of the code could have left it: bad version and time. */
async function plantMalformedHead(alias: string, revision: unknown): Promise<void> {
  await platform.deps.ddb.send(
    new PutCommand({
      TableName: platform.deps.tables.registry,
      Item: {
        ...registryKeys.alias('iris', alias),
        model: 'iris',
        alias,
        version: 'two',
        revision,
        updatedAt: 'yesterday',
      },
    }),
  );
}

const cli = (...args: string[]) => runCli(args, { CIRRUS_URL: platform.url, CIRRUS_TOKEN: platform.token });

async function lastRevision(alias: string): Promise<number> {
  const res = await call(platform, 'GET', `/v1/models/iris/aliases/${alias}/history`);
  return res.json.history.at(-1).revision as number;
}

describe('a malformed current-alias item written behind the API', () => {
  it('is named by history and repaired through the CLI', async () => {
    const revision = await lastRevision('champion');
    await plantMalformedHead('champion', revision);
    const listed = await call(platform, 'GET', '/v1/models/iris/aliases/champion/history');
    expect(listed.status).toBe(200);
    expect(listed.json.malformed).toEqual([
      expect.objectContaining({
        item: 'MODEL#iris/ALIAS#champion',
        repair: expect.stringContaining('repair'),
      }),
    ]);
    const shown = await cli('models', 'history', 'iris');
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('malformed: MODEL#iris/ALIAS#champion');
    expect(shown.stdout).toContain('cirrus models repair iris --alias champion');

    const repaired = await cli('models', 'repair', 'iris');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toMatch(
      /alias item MODEL#iris\/ALIAS#champion: rebuilt \(malformed version, updatedAt\); now v\d/,
    );
    const healed = await call(platform, 'GET', '/v1/models/iris/aliases/champion/history');
    expect(healed.json.malformed).toBeUndefined();
    const model = await call(platform, 'GET', '/v1/models/iris');
    expect(model.json.aliases.find((a: { alias: string }) => a.alias === 'champion').revision).toBe(revision);
  });

  it('does not block a set (which records history), a rollback or a training run', async () => {
    const revision = await lastRevision('champion');
    await plantMalformedHead('champion', revision);
    const set = await call(platform, 'PUT', '/v1/models/iris/aliases/champion', { version: 1 });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    expect(set.json).toMatchObject({ version: 1, revision: revision + 1 });
    const history = (await call(platform, 'GET', '/v1/models/iris/aliases/champion/history')).json;
    expect(history.history.at(-1)).toMatchObject({ revision: revision + 1, to: 1 });
    expect(history.malformed).toBeUndefined();

    // A malformed item whose revision is not a number, then one far ahead of its history.
    await plantMalformedHead('champion', 'r');
    const back = await call(platform, 'POST', '/v1/models/iris/rollback', {});
    expect(back.status, JSON.stringify(back.json)).toBe(200);
    expect(back.json.previousChampion).toBe(1);
    const afterRollback = await call(platform, 'GET', '/v1/models/iris/aliases/champion/history');
    expect(afterRollback.json.malformed, 'the item was rebuilt').toBeUndefined();

    await plantMalformedHead('champion', 999);
    // A read rebuilds it from the history, even over its higher revision.
    const read = await call(platform, 'GET', '/v1/models/iris');
    expect(read.json.aliases.find((a: { alias: string }) => a.alias === 'champion').version).toBe(
      back.json.champion,
    );
    expect(
      (await call(platform, 'GET', '/v1/models/iris/aliases/champion/history')).json.malformed,
    ).toBeUndefined();
    await plantMalformedHead('champion', 999);
    const { run } = await train(platform, 'iris', TRAIN);
    expect(run?.json.status, JSON.stringify(run?.json.statusHistory)).toBe('SUCCEEDED');
    const after = await call(platform, 'GET', '/v1/models/iris');
    const champion = after.json.aliases.find((a: { alias: string }) => a.alias === 'champion');
    // The item is rebuilt from the history (the truth), which the new move extends.
    expect(champion.revision).toBe(await lastRevision('champion'));
    expect(champion.version).toBe(after.json.latestVersion);
  });

  it('without any history answers 409 naming the item and the repair, which restores the alias', async () => {
    await platform.deps.ddb.send(
      new PutCommand({
        TableName: platform.deps.tables.registry,
        Item: {
          ...registryKeys.alias('iris', 'staging'),
          model: 'iris',
          alias: 'staging',
          version: 1,
          revision: 'x',
        },
      }),
    );
    const model = await call(platform, 'GET', '/v1/models/iris');
    expect(model.status).toBe(409);
    expect(model.json.error.code).toBe('MalformedRecord');
    expect(model.json.error.message).toContain('MODEL#iris/ALIAS#staging');
    expect(model.json.error.message).toContain('cirrus models repair iris --alias staging');

    const repaired = await cli('models', 'repair', 'iris', '--alias', 'staging');
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain(
      'alias item MODEL#iris/ALIAS#staging: rebuilt (malformed revision, updatedAt); now v1',
    );
    const history = (await call(platform, 'GET', '/v1/models/iris/aliases/staging/history')).json.history;
    expect(history).toEqual([expect.objectContaining({ revision: 1, from: null, to: 1, by: 'cli' })]);
    expect((await call(platform, 'GET', '/v1/models/iris')).status).toBe(200);
  });
});
