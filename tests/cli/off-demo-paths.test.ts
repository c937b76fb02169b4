import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { IRIS_TRAIN_ARGS, runCli, tableRow } from './run-cli.js';

// Issue 16, next to the demo path: traffic and aliases, feedback and prediction input, and the
// CLI's manners, run as a user runs them (the `cirrus` child process) against one embedded
// platform: emulated S3/DynamoDB, the real pipelines and trainer, the HTTP API.
const BIN = fileURLToPath(new URL('../../bin/cirrus.js', import.meta.url));
let platform: LocalPlatform;
let dir: string;
let env: Record<string, string>;
const cli = (...args: string[]) => runCli(args, env);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cirrus-paths-'));
  platform = await startLocalPlatform({ dataDir: join(dir, 'data'), port: 0, scheduler: false });
  env = { CIRRUS_URL: platform.url, CIRRUS_TOKEN: platform.token };
  expect((await cli('datasets', 'load', 'iris')).code).toBe(0);
  const train = (algorithm: string, policy: string) =>
    cli(...IRIS_TRAIN_ARGS, '--algorithm', algorithm, '--policy', policy, '--json');
  // v1 champion, v2 registered beside it.
  for (const [algorithm, policy] of [
    ['logistic_regression', 'best_score'],
    ['svc', 'manual'],
  ] as const) {
    const res = await train(algorithm, policy);
    expect(res.code, res.stderr).toBe(0);
  }
}, 600_000);
afterAll(async () => {
  await platform?.stop();
  await rm(dir, { recursive: true, force: true });
});

const ROW = {
  'sepal length (cm)': 5.1,
  'sepal width (cm)': 3.5,
  'petal length (cm)': 1.4,
  'petal width (cm)': 0.2,
};

/** The version that answered one prediction on the iris endpoint. */
async function servedVersion(): Promise<number> {
  const res = await cli('--json', 'predict', 'iris', '--json', JSON.stringify(ROW));
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout).version;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads the answer's fields
type Json = any;

async function api(method: string, path: string): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${platform.token}` },
  });
  return { status: res.status, body: await res.json() };
}

describe('traffic and aliases', () => {
  it('a promotion under a manual split says what the endpoint serves; champion=100 goes back to the champion', async () => {
    expect(await servedVersion()).toBe(1);
    expect((await cli('traffic', 'set', 'iris', 'v2=100')).code).toBe(0);
    expect(await servedVersion()).toBe(2);

    const promote = await cli('models', 'promote', 'iris', '1');
    expect(promote.code, promote.stderr).toBe(0);
    expect(promote.stdout).toContain('iris: champion → v1');
    expect(promote.stdout).toContain(
      'note: endpoint iris still serves v2=100, not the champion (it has a manual split); `cirrus traffic reset iris` serves the champion',
    );
    const json = JSON.parse((await cli('--json', 'models', 'promote', 'iris', '1')).stdout);
    expect(json.endpoints).toEqual([expect.objectContaining({ endpoint: 'iris', source: 'config' })]);

    const back = await cli('traffic', 'set', 'iris', 'champion=100');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toContain('all traffic to the champion alias');
    expect(await servedVersion()).toBe(1);
    const mixed = await cli('traffic', 'set', 'iris', 'champion=50', 'v2=50');
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain("'champion' can only take all the traffic");
  });

  it('`traffic reset` (DELETE /traffic over the API) returns the endpoint to the champion', async () => {
    await cli('traffic', 'set', 'iris', 'v2=100');
    const reset = await cli('traffic', 'reset', 'iris');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('endpoint iris (model iris): all traffic to the champion alias');
    expect(await servedVersion()).toBe(1);

    await cli('traffic', 'set', 'iris', 'v2=100');
    const del = await api('DELETE', '/v1/endpoints/iris/traffic');
    expect(del.status).toBe(200);
    expect(del.body).toMatchObject({
      source: 'champion',
      traffic: { variants: [{ version: 1, weight: 100 }] },
    });
    expect(await servedVersion()).toBe(1);
    // With no split, a promotion needs no note: the endpoint follows the champion.
    const promote = await cli('models', 'promote', 'iris', '1');
    expect(promote.stdout).not.toContain('note:');
  });

  it('promoting the challenger clears the challenger alias (recorded in its history)', async () => {
    expect((await cli('models', 'promote', 'iris', '2', '--alias', 'challenger')).code).toBe(0);
    expect(tableRow((await cli('models', 'show', 'iris')).stdout, 'aliases')?.[1]).toBe(
      'challenger=v2, champion=v1',
    );
    expect((await cli('models', 'promote', 'iris', '2')).code).toBe(0);
    expect(tableRow((await cli('models', 'show', 'iris')).stdout, 'aliases')).toEqual([
      'aliases',
      'champion=v2',
    ]);
    const history = await cli('models', 'history', 'iris', '--alias', 'challenger');
    expect(tableRow(history.stdout, '2')?.slice(2, 4)).toEqual(['v2', 'cleared']);
    const { body } = await api('GET', '/v1/models/iris/aliases');
    expect(body.aliases.map((a: { alias: string }) => a.alias)).toEqual(['champion']);
    expect(await servedVersion()).toBe(2);
    // Back to v1 as champion for the tests below.
    expect((await cli('models', 'promote', 'iris', '1')).code).toBe(0);
  });
});

describe('feedback and prediction input', () => {
  it('refuses a label the classifier does not know, naming its classes (CLI and API)', async () => {
    const one = JSON.parse((await cli('--json', 'predict', 'iris', '--json', JSON.stringify(ROW))).stdout);
    const bad = await cli('feedback', one.requestId, '7');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('actual: 7 is not a class of this model; expected one of "0", "1", "2"');
    expect(bad.stderr).toMatch(/\[400 /);
    const res = await fetch(`${platform.url}/v1/predictions/${one.requestId}/feedback`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${platform.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ actual: 'maybe' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { field: 'actual' } });
    // Nothing was written: a known class is still accepted.
    expect((await cli('feedback', one.requestId, '0')).stdout).toContain('recorded');
  });

  it('requires a number for a regression model', async () => {
    expect((await cli('datasets', 'load', 'diabetes')).code).toBe(0);
    const train = await cli(
      'train',
      '--experiment',
      'diabetes',
      '--task',
      'regression',
      '--dataset',
      'diabetes',
      '--target',
      'target',
      '--algorithm',
      'linear_regression',
    );
    expect(train.code, train.stderr).toBe(0);
    const { versions } = JSON.parse((await cli('--json', 'models', 'versions', 'diabetes')).stdout);
    const features = versions[0].contract.features.map((f: { name: string }) => f.name);
    const row = Object.fromEntries(features.map((f: string) => [f, 0.01]));
    const one = JSON.parse(
      (await cli('--json', 'predict', 'diabetes', '--json', JSON.stringify(row))).stdout,
    );
    const bad = await cli('feedback', one.requestId, 'high');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('actual: "high" is not a number');
    expect((await cli('feedback', one.requestId, '151.5')).code).toBe(0);
  });

  it('`feedback --help` shows the labels iris really has', async () => {
    const help = await cli('feedback', '--help');
    expect(help.stdout).toContain('$ cirrus feedback 6f1c…e2 2 ');
    expect(help.stdout).not.toMatch(/feedback \S+ setosa/);
  });

  it('predicts a CSV with an empty cell: sent as null (a missing value), not dropped', async () => {
    const csv = join(dir, 'gaps.csv');
    await writeFile(csv, `${Object.keys(ROW).join(',')}\n5.1,3.5,1.4,\n6.7,,5.2,2.3\n`);
    const res = await cli('--json', 'predict', 'iris', '--file', csv);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).predictions).toHaveLength(2);
  });
});

describe('retraining that means something', () => {
  let appendedVersion: string;

  it("`cirrus retrain` retrains the serving champion's configuration, not the last request", async () => {
    // v1 (logistic_regression) is champion; the last request was svc with policy manual.
    const res = await cli('retrain', 'iris', '--json');
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.replays).toMatch(/^champion v1 \(run \S+\)$/);
    expect(out.runs[0]).toMatchObject({ algorithm: 'logistic_regression', status: 'SUCCEEDED' });
    expect(out.runs[0].request).toMatchObject({ algorithm: 'logistic_regression', policy: 'best_score' });
  });

  it('continuous training: production rows with feedback become a dataset version the run names', async () => {
    const on = await cli('experiments', 'continuous-training', 'iris', 'on');
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toContain('experiment iris: continuous training on');
    expect(tableRow((await cli('experiments', 'show', 'iris')).stdout, 'continuous training')?.[1]).toBe(
      'on',
    );
    const before = JSON.parse((await cli('--json', 'datasets', 'show', 'iris')).stdout);

    const rows = [
      [5.0, 3.4, 1.5, 0.2],
      [6.3, 2.9, 5.6, 1.8],
      [5.7, 2.8, 4.1, 1.3],
    ].map((r) => Object.fromEntries(Object.keys(ROW).map((k, i) => [k, r[i]])));
    const batch = JSON.parse((await cli('--json', 'predict', 'iris', '--json', JSON.stringify(rows))).stdout);
    expect((await cli('feedback', batch.requestId, '[0, 2, 1]')).code).toBe(0);

    const res = await cli('retrain', 'iris', '--json');
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout);
    // The batch's three rows, plus any single-row prediction an earlier test gave feedback to.
    expect(out.appendedRows).toBeGreaterThanOrEqual(3);
    appendedVersion = out.datasetVersion;
    expect(appendedVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(appendedVersion).not.toBe(before.version);
    // The run's lineage names the new version.
    expect(out.runs[0]).toMatchObject({
      status: 'SUCCEEDED',
      dataset: { name: 'iris', version: appendedVersion },
    });
    const after = JSON.parse((await cli('--json', 'datasets', 'show', 'iris')).stdout);
    expect(after).toMatchObject({
      version: appendedVersion,
      rowCount: before.rowCount + out.appendedRows,
      appended: { base: before.version, endpoint: 'iris', rows: out.appendedRows },
    });
  });

  it('a second retraining without new feedback appends nothing and trains on the appended version', async () => {
    const res = await cli('retrain', 'iris');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /retraining champion v\d+ \(run \S+\); continuous training: no new production rows with ground truth/,
    );
    const { runs } = JSON.parse((await cli('runs', 'list', '--experiment', 'iris', '--json')).stdout);
    expect(runs[0].dataset.version).toBe(appendedVersion);
  });
});

describe('CLI manners', () => {
  it('`cirrus runs show ID | head`: a reader that closes the pipe ends the command quietly', async () => {
    const { runs } = JSON.parse((await cli('runs', 'list', '--experiment', 'iris', '--json')).stdout);
    const child = spawn(process.execPath, [BIN, 'runs', 'show', runs[0].id], {
      env: { ...process.env, ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader goes away before the command writes a byte: every write hits a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('`--dataset-version` takes a unique prefix of the sha256, as the tables show it', async () => {
    const { versions } = JSON.parse((await cli('--json', 'datasets', 'show', 'iris')).stdout);
    const full = versions[0].version as string;
    const res = await cli(
      '--json',
      'train',
      '--experiment',
      'iris-pinned',
      '--task',
      'classification',
      '--dataset',
      'iris',
      '--dataset-version',
      full.slice(0, 12),
      '--target',
      'target',
      '--algorithm',
      'logistic_regression',
    );
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).runs[0]).toMatchObject({ status: 'SUCCEEDED', dataset: { version: full } });
    const none = await cli(
      'train',
      '--experiment',
      'iris-pinned',
      '--task',
      'classification',
      '--dataset',
      'iris',
      '--dataset-version',
      'abcdef0123',
      '--target',
      'target',
      '--algorithm',
      'logistic_regression',
      '--no-wait',
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("dataset.version: dataset 'iris@abcdef0123' not found");
  });

  it('after `ab stop` the decision no longer reads running', async () => {
    const started = await cli('ab', 'start', 'iris', '--challenger', '2');
    expect(started.code, started.stderr).toBe(0);
    const stopped = await cli('ab', 'stop', 'iris');
    expect(tableRow(stopped.stdout, 'state')).toEqual(['state', 'stopped']);
    expect(tableRow(stopped.stdout, 'decision')).toEqual(['decision', 'no_decision']);
    const status = JSON.parse((await cli('ab', 'status', 'iris', '--json')).stdout);
    expect(status).toMatchObject({ state: 'stopped', decision: 'no_decision' });
  });
});
