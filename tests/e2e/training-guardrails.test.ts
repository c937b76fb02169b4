import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_TEST_ROWS_TO_DEPLOY } from '../../core/pipeline/deploy.js';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { call, train } from './platform-call.js';

/**
 * Issue 17's training guardrails, through the HTTP API of a real local platform: what cannot
 * make a model is refused at upload or submit (naming the field and the reason), and no deploy
 * policy deploys a model scored on fewer than MIN_TEST_ROWS_TO_DEPLOY test rows.
 */
let dataDir = '';
let platform: LocalPlatform;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cirrus-guardrails-'));
  platform = await startLocalPlatform({ dataDir, port: 0, scheduler: false });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function upload(name: string, csv: string) {
  return call(platform, 'POST', '/v1/datasets', { name, csv });
}

describe('uploads that cannot make a dataset', () => {
  it.each([
    ['a header-only CSV', 'a,b,target\n', /header but no data rows/],
    ["a ';'-separated CSV", 'a;b;target\n1;2;0\n3;4;1\n', /';'-separated/],
    ['a tab-separated CSV', 'a\tb\ttarget\n1\t2\t0\n', /tab-separated/],
    ['a column name with NUL', 'a\u0000x,b,target\n1,2,0\n', /control character U\+0000/],
    ['a column name with a control character', 'a\u001bx,b,target\n1,2,0\n', /control character U\+001B/],
    ['a column named __proto__', '__proto__,b,target\n1,2,0\n', /'__proto__', a reserved name/],
  ])('%s is a 400 naming csv and the reason', async (_what, csv, reason) => {
    const res = await upload('refused', csv);
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json.error.field).toBe('csv');
    expect(res.json.error.message).toMatch(reason);
    expect((await call(platform, 'GET', '/v1/datasets/refused')).status).toBe(404);
  });
});

describe('training requests that cannot make a model', () => {
  it('a class with one row (a 3-row dataset) is refused at submit, with no experiment created', async () => {
    expect((await upload('three', 'x,target\n1,a\n2,b\n3,c\n')).status).toBe(201);
    const res = await call(platform, 'POST', '/v1/experiments/three/runs', {
      task: 'classification',
      algorithm: 'logistic_regression',
      dataset: { name: 'three' },
      target: 'target',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json.error.field).toBe('target');
    expect(res.json.error.message).toMatch(/fewer than 2 rows: the split cannot both train and test on it/);
    expect((await call(platform, 'GET', '/v1/experiments/three')).status).toBe(404);
  });

  it.each(['regression', 'classification'])('a constant target is refused at submit (%s)', async (task) => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i * 2},7`).join('\n');
    expect((await upload('constant', `x,y,target\n${rows}\n`)).status).toBe(201);
    const res = await call(platform, 'POST', `/v1/experiments/constant-${task}/runs`, {
      task,
      algorithm: task === 'regression' ? 'linear_regression' : 'logistic_regression',
      dataset: { name: 'constant' },
      target: 'target',
    });
    expect(res.status, JSON.stringify(res.json)).toBe(400);
    expect(res.json.error).toMatchObject({ field: 'target' });
    expect(res.json.error.message).toMatch(
      /holds the single value '7' in every row: there is nothing to learn/,
    );
  });
});

describe('targets the split cannot score', () => {
  it.each(['regression', 'classification'])(
    'a target with missing cells is refused at submit (%s)',
    async (task) => {
      const rows = Array.from({ length: 40 }, (_, i) => `${i},${i === 33 ? '' : i % 2}`).join('\n');
      expect((await upload('holes', `x,target\n${rows}\n`)).status).toBe(201);
      const res = await call(platform, 'POST', `/v1/experiments/holes-${task}/runs`, {
        task,
        algorithm: task === 'regression' ? 'linear_regression' : 'logistic_regression',
        dataset: { name: 'holes' },
        target: 'target',
      });
      expect(res.status, JSON.stringify(res.json)).toBe(400);
      expect(res.json.error.field).toBe('target');
      expect(res.json.error.message).toMatch(/1 row of dataset 'holes' has no value in column 'target'/);
    },
  );

  it('a class only the test split holds fails the run naming target and the class', async () => {
    // split 'last' puts both rows of class c (the file's last rows) in the test set.
    const rows = Array.from({ length: 38 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`);
    expect((await upload('late', `x,target\n${[...rows, '38,c', '39,c'].join('\n')}\n`)).status).toBe(201);
    const { run } = await train(platform, 'late', {
      task: 'classification',
      algorithm: 'logistic_regression',
      dataset: { name: 'late' },
      target: 'target',
      split: 'last',
    });
    expect(run?.json.status, JSON.stringify(run?.json)).toBe('FAILED');
    expect(run?.json.error).toMatch(/target: row 10 has class 'c', unseen in training/);
  });
});

describe('the deploy minimum', () => {
  it(`no policy deploys a model scored on fewer than ${MIN_TEST_ROWS_TO_DEPLOY} test rows, and the run says why`, async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},${i < 15 ? 'a' : 'b'}`).join('\n');
    expect((await upload('small', `x,target\n${rows}\n`)).status).toBe(201);
    for (const policy of ['best_score', 'most_recent']) {
      const { run } = await train(platform, `small-${policy}`, {
        task: 'classification',
        algorithm: 'logistic_regression',
        dataset: { name: 'small' },
        target: 'target',
        testSize: 0.2,
        policy,
      });
      expect(run?.json.status, JSON.stringify(run?.json)).toBe('SUCCEEDED');
      const reason = run?.json.statusHistory.at(-1).reason as string;
      expect(reason).toMatch(
        new RegExp(`not deployed: v1 was scored on 6 test rows, fewer than the ${MIN_TEST_ROWS_TO_DEPLOY}`),
      );
      const aliases = await call(platform, 'GET', `/v1/models/small-${policy}/aliases`);
      expect(aliases.json.aliases).toEqual([]);
    }
  });
});
