import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { closedPort, IRIS_TRAIN_ARGS, runCli, tableRow } from './run-cli.js';

// The `cirrus` command run as a user runs it (a child process) against a real embedded
// platform: emulated S3/DynamoDB, the real pipelines and trainer, the HTTP API.
let platform: LocalPlatform;
let dir: string;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli(args, env);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cirrus-cli-'));
  platform = await startLocalPlatform({ dataDir: join(dir, 'data'), port: 0, scheduler: false });
  env = { CIRRUS_URL: platform.url, CIRRUS_TOKEN: platform.token };
});
afterAll(async () => {
  await platform?.stop();
  await rm(dir, { recursive: true, force: true });
});

const TRAIN = IRIS_TRAIN_ARGS;
const ROW = {
  'sepal length (cm)': 5.1,
  'sepal width (cm)': 3.5,
  'petal length (cm)': 1.4,
  'petal width (cm)': 0.2,
};

describe('cirrus commands against a local platform', () => {
  const scores: Record<string, number> = {};

  it('loads a built-in dataset and lists it', async () => {
    const load = await cli('datasets', 'load', 'iris');
    expect(load.code).toBe(0);
    expect(load.stdout).toMatch(/loaded iris@[0-9a-f]{12}: 150 rows, 5 columns/);
    expect(tableRow(load.stdout, 'petal width (cm)')).toEqual(['petal width (cm)', 'numeric']);
    const list = await cli('--json', 'datasets', 'list');
    const { datasets } = JSON.parse(list.stdout);
    expect(datasets).toHaveLength(1);
    expect(datasets[0]).toMatchObject({ name: 'iris', rowCount: 150 });
  });

  it('trains, showing each state entered, and ends with the metrics and the deploy decision', async () => {
    const res = await cli(...TRAIN, '--algorithm', 'logistic_regression');
    expect(res.code).toBe(0);
    const entered = [...res.stdout.matchAll(/→ (\w+)/g)].map((m) => m[1]);
    expect(entered).toEqual([
      'Validate',
      'Prepare',
      'ChooseTrainer',
      'UseCirrusTrainer',
      'Train',
      'Evaluate',
      'Register',
      'DeployPolicy',
      'ApplyPolicy',
      'MarkSucceeded',
      'Succeeded',
    ]);
    expect(tableRow(res.stdout, 'status')).toEqual(['status', 'SUCCEEDED']);
    const accuracy = Number(tableRow(res.stdout, 'accuracy')?.[1]);
    expect(accuracy).toBeGreaterThan(0.8);
    const { runs } = JSON.parse((await cli('runs', 'list', '--experiment', 'iris', '--json')).stdout);
    expect(runs[0].score.toFixed(4)).toBe(accuracy.toFixed(4));
    scores.logistic_regression = runs[0].score;
    expect(res.stdout).toContain('deployed: iris v1 is now champion');
  });

  it('prints a second run as JSON with its deploy decision (champion only if it scores higher)', async () => {
    const res = await cli(...TRAIN, '--algorithm', 'svc', '--param', 'C=2', '--json');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.runs).toHaveLength(1);
    expect(out.runs[0]).toMatchObject({ algorithm: 'svc', status: 'SUCCEEDED', hyperparameters: { C: 2 } });
    scores.svc = out.runs[0].score;
    expect(out.deployment).toMatchObject({
      model: 'iris',
      version: 2,
      promoted: scores.svc > scores.logistic_regression!,
    });
  });

  it('lists runs and shows one with its state history', async () => {
    const list = JSON.parse((await cli('runs', 'list', '--experiment', 'iris', '--json')).stdout);
    expect(list.runs.map((r: { algorithm: string }) => r.algorithm)).toEqual(['svc', 'logistic_regression']);
    const show = await cli('runs', 'show', list.runs[1].id);
    expect(tableRow(show.stdout, 'algorithm')).toEqual(['algorithm', 'logistic_regression']);
    expect(tableRow(show.stdout, 'Evaluate')?.[0]).toBe('Evaluate');
    expect(show.stdout).toContain('deployed: iris v1 is now champion');
  });

  it('shows the registry: versions with aliases, and the champion history', async () => {
    const champion = scores.svc! > scores.logistic_regression! ? '2' : '1';
    const show = await cli('models', 'show', 'iris');
    expect(tableRow(show.stdout, 'aliases')).toEqual(['aliases', `champion=v${champion}`]);
    expect(tableRow(show.stdout, '1')?.slice(2, 4)).toEqual([
      'logistic_regression',
      scores.logistic_regression!.toFixed(4),
    ]);
    expect(tableRow(show.stdout, champion)?.[5]).toBe('champion');
    const history = JSON.parse((await cli('models', 'history', 'iris', '--json')).stdout).history;
    expect(history.map((h: { to: number }) => h.to)).toEqual(champion === '2' ? [1, 2] : [1]);
  });

  it('predicts one row and a CSV batch, and takes feedback idempotently', async () => {
    const one = await cli('predict', 'iris', '--json', JSON.stringify(ROW));
    expect(one.code).toBe(0);
    expect(tableRow(one.stdout, '0')?.[1]).toBe('0');
    const requestId = /request (\S+):/.exec(one.stdout)?.[1];
    expect(requestId).toBeDefined();
    expect((await cli('feedback', requestId!, '0')).stdout).toContain('recorded');
    expect((await cli('feedback', requestId!, '0')).stdout).toContain('was already recorded');

    const csv = join(dir, 'rows.csv');
    await writeFile(
      csv,
      `${Object.keys(ROW).join(',')},target\n5.1,3.5,1.4,0.2,0\n6.7,3.0,5.2,2.3,2\n5.9,3.0,4.2,1.5,1\n`,
    );
    const batch = JSON.parse(
      (await cli('--json', 'predict', 'iris', '--file', csv, '--drop', 'target')).stdout,
    );
    expect(batch.predictions.map((p: { label: string }) => p.label)).toEqual(['0', '2', '1']);
  });

  it('sets and shows traffic, and runs an A/B test through start, status and stop', async () => {
    const set = await cli('traffic', 'set', 'iris', 'v1=90', 'v2=10');
    expect(tableRow(set.stdout, 'v1')).toEqual(['v1', '1', '90', 'live']);
    const shown = JSON.parse((await cli('traffic', 'show', 'iris', '--json')).stdout);
    expect(shown.traffic.variants.map((v: { weight: number }) => v.weight)).toEqual([90, 10]);

    await cli('traffic', 'set', 'iris', 'v1=100');
    const started = await cli(
      'ab',
      'start',
      'iris',
      '--challenger',
      '2',
      '--min-samples',
      '10',
      '--max-samples',
      '20',
    );
    expect(started.code).toBe(0);
    expect(started.stdout).toContain('champion v1 vs challenger v2');
    const status = JSON.parse((await cli('ab', 'status', 'iris', '--json')).stdout);
    expect(status).toMatchObject({ state: 'running', metric: 'accuracy', minSamples: 10, maxSamples: 20 });
    const stopped = await cli('ab', 'stop', 'iris');
    expect(tableRow(stopped.stdout, 'state')).toEqual(['state', 'stopped']);
  });

  it('runs a drift evaluation (too little traffic: says so with the minimum) and sets a schedule', async () => {
    const drift = await cli('drift', 'run', 'iris');
    expect(drift.code).toBe(0);
    expect(tableRow(drift.stdout, 'status')).toEqual(['status', 'not_enough_data']);
    expect(drift.stdout).toMatch(/needs at least 30/);
    const report = await cli('drift', 'report', 'iris', '--json');
    expect(JSON.parse(report.stdout)).toMatchObject({ endpoint: 'iris', status: 'not_enough_data' });

    expect((await cli('schedule', 'set', 'iris', 'rate(1 day)')).stdout).toContain('retrains on rate(1 day)');
    const { experiments } = JSON.parse((await cli('--json', 'experiments', 'list')).stdout);
    expect(experiments[0].retrainSchedule.expression).toBe('rate(1 day)');
  });

  it("retrains now: replays the champion's request as a new run triggered by the API", async () => {
    const svcWon = scores.svc! > scores.logistic_regression!;
    const res = await cli('retrain', 'iris', '--json');
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.pipeline).toBe('training');
    expect(out.replays).toMatch(new RegExp(`^champion v${svcWon ? 2 : 1} \\(run `));
    expect(out.runs).toHaveLength(1);
    expect(out.runs[0]).toMatchObject({
      id: out.runId,
      algorithm: svcWon ? 'svc' : 'logistic_regression',
      hyperparameters: svcWon ? { C: 2 } : {},
      status: 'SUCCEEDED',
      triggeredBy: 'api',
    });
    // The same request on the same data scores the same: a strict best_score keeps the champion.
    expect(out.runs[0].score).toBe(svcWon ? scores.svc : scores.logistic_regression);
    const never = await cli('retrain', 'nope');
    expect(never.code).toBe(1);
    expect(never.stderr).toMatch(/experiment.*nope.*\[404 /);
  });

  it('prints the API message and field on a bad request, exit code 1', async () => {
    const res = await cli('predict', 'iris', '--json', JSON.stringify({ ...ROW, colour: 'red' }));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: .*colour.*\(field: features\.colour\) \[400 \w+\]/m);
    const train = await cli(...TRAIN.slice(0, -2), '--algorithm', 'svc', '--test-size', '1.5');
    expect(train.code).toBe(1);
    expect(train.stderr).toMatch(/\(field: testSize\) \[400/);
  });

  it('says where no Cirrus answers and how to start one; refuses a wrong token', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const res = await runCli(['models', 'list'], { CIRRUS_URL: url });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `error: no Cirrus at ${url} — start one with \`cirrus local up\` (ECONNREFUSED)`,
    );
    const denied = await runCli(['models', 'list'], { CIRRUS_URL: platform.url, CIRRUS_TOKEN: 'wrong' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/\[401 /);
  });
});
