import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackingKeys } from '../../core/storage/keys.js';
import { repoPath } from '../../infra/paths.js';
import { type CliPlatform, IRIS_TRAIN_ARGS, startCliPlatform, tableRow } from './run-cli.js';

// A failed event delivery seen and redriven as a user does it, through `cirrus` against a real
// embedded platform (emulators, real pipelines and trainer, the local event bus). The failure
// is real: the experiment's record is lost from the tracking table, so the retrain target of
// the drift event throws NotFound; putting the record back fixes the cause.
let p: CliPlatform;
let experimentItem: Record<string, unknown>;

beforeAll(async () => {
  p = await startCliPlatform('cirrus-dead-letters-');
});
afterAll(async () => {
  await p?.stop();
});

/** Iris rows whose petals are 2.5 cm longer and sepals 1.4 times wider: a drifted world. */
async function driftedCsv(): Promise<string> {
  const [header, ...lines] = (await readFile(repoPath('datasets/iris.csv'), 'utf8')).trim().split('\n');
  const rows = lines.slice(0, 60).map((line) => {
    const [sl, sw, pl, pw] = line.split(',').map(Number);
    return [sl, (sw ?? 0) * 1.4, (pl ?? 0) + 2.5, pw].join(',');
  });
  const file = join(p.dir, 'drifted.csv');
  await writeFile(file, `${header?.split(',').slice(0, 4).join(',')}\n${rows.join('\n')}\n`);
  return file;
}

async function waitForDeadLetters(count: number): Promise<{ deadLetters: Record<string, unknown>[] }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = JSON.parse((await p.cli('--json', 'dead-letters', 'list')).stdout);
    if (res.deadLetters.length >= count || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('cirrus dead-letters against a local platform', () => {
  it('starts empty', async () => {
    const list = await p.cli('dead-letters', 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('no dead letters');
  });

  it('keeps a drift event whose retraining failed, with its target, rule and error', async () => {
    expect((await p.cli('datasets', 'load', 'iris')).code).toBe(0);
    const trained = await p.cli(...IRIS_TRAIN_ARGS, '--algorithm', 'logistic_regression');
    expect(trained.code, trained.stderr).toBe(0);
    const { deps } = p.platform;
    const key = { TableName: deps.tables.tracking, Key: trackingKeys.experiment('iris') };
    experimentItem = (await deps.ddb.send(new GetCommand(key))).Item ?? {};
    expect(experimentItem.name).toBe('iris');
    await deps.ddb.send(new DeleteCommand(key)); // the cause: the experiment's record is lost

    expect((await p.cli('predict', 'iris', '--file', await driftedCsv())).code).toBe(0);
    const drift = JSON.parse((await p.cli('--json', 'drift', 'run', 'iris', '--window-hours', '1')).stdout);
    expect(drift).toMatchObject({ driftDetected: true, event: 'published' });

    const { deadLetters } = await waitForDeadLetters(1);
    expect(deadLetters).toEqual([
      expect.objectContaining({
        kind: 'rule',
        target: 'local:retrain',
        rule: 'DriftDetected',
        attempts: 1, // NotFound is permanent: retrying would only repeat it
        error: "experiment 'iris' not found",
        summary: 'ModelDriftDetected iris',
      }),
    ]);
    const table = await p.cli('dead-letters', 'list');
    const id = String(deadLetters[0]?.id);
    expect(tableRow(table.stdout, id)?.slice(1, 4)).toEqual(['rule', 'retrain', 'DriftDetected']);
  });

  it('keeps it, saying why, while the cause is not fixed', async () => {
    const res = await p.cli('dead-letters', 'redrive', '--all');
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('redriven 0, kept 1');
    expect(res.stdout).toMatch(/refused it: experiment 'iris' not found/);
    expect((await waitForDeadLetters(1)).deadLetters).toHaveLength(1);
  });

  it('redrives it once the cause is fixed: the retraining run starts and the queue is empty', async () => {
    const { deps } = p.platform;
    await deps.ddb.send(new PutCommand({ TableName: deps.tables.tracking, Item: experimentItem }));
    const [letter] = (await waitForDeadLetters(1)).deadLetters;
    const res = await p.cli('--json', 'dead-letters', 'redrive', '--id', String(letter?.id));
    expect(res.code, res.stdout).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ redriven: 1, kept: 0, missing: 0 });

    const { runs } = JSON.parse((await p.cli('--json', 'runs', 'list', '--experiment', 'iris')).stdout);
    expect(runs).toHaveLength(2);
    expect(runs[0].triggeredBy).toMatch(/^s3:\/\/.+\/drift\/iris\//);
    expect((await p.cli('dead-letters', 'list')).stdout).toContain('no dead letters');
    const again = await p.cli('dead-letters', 'redrive', '--id', String(letter?.id));
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('missing 1');
  });

  it('refuses a redrive that names neither --all nor --id', async () => {
    const res = await p.cli('dead-letters', 'redrive');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/give --all or one or more --id/);
  });
});
