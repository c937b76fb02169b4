import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CirrusClient } from '../../cli/client.js';
import { DRIFT } from '../../cli/demo/step-drift.js';
import type {
  AbTestStatus,
  AliasHistoryEntry,
  ApiRun,
  DatasetRecord,
  DriftReportView,
  DriftSummary,
  ModelVersion,
} from '../../cli/types.js';
import { type LocalPlatform, startLocalPlatform } from '../../local/runtime.js';
import { openMetadataErrors } from '../registry/openmetadata-schema.js';
import { type CliResult, closedPort, runCli, tableRow } from './run-cli.js';

// `cirrus demo` as the README's first command runs it: no Cirrus listening, so it starts the
// embedded platform on a fresh data directory, walks the lifecycle and stops. Then the platform
// is started again on that directory and every step's outcome is checked through the API.
let dir: string;
let dataDir: string;
let demo: CliResult;
let platform: LocalPlatform;
let api: CirrusClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cirrus-demo-e2e-'));
  dataDir = join(dir, 'data');
  demo = await runCli(['demo', '--data-dir', dataDir, '--port', '0'], {
    CIRRUS_URL: `http://127.0.0.1:${await closedPort()}`,
  });
  platform = await startLocalPlatform({ dataDir, port: 0, scheduler: false });
  api = new CirrusClient({ url: platform.url, token: platform.token });
}, 300_000);
afterAll(async () => {
  await platform?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('cirrus demo on a fresh data directory', () => {
  it('runs every step and exits 0', () => {
    expect(demo.stderr).not.toMatch(/^error:/m);
    expect(demo.code).toBe(0);
    for (const step of [
      '1/7 Load data',
      '2/7 Train',
      '3/7 Predict',
      '4/7 A/B test',
      '5/7 Drift',
      '6/7 History',
      '7/7 Call the API',
    ]) {
      expect(demo.stdout).toContain(`━━ ${step}`);
    }
    expect(demo.stdout).toContain('demo finished.');
  });

  it('loaded iris', async () => {
    const iris = await api.get<DatasetRecord>('/v1/datasets/iris');
    expect(iris.rowCount).toBe(150);
    expect(demo.stdout).toContain(`iris@${iris.version.slice(0, 12)}: 150 rows`);
  });

  it('trained logistic_regression then svc and made the better one champion', async () => {
    const { versions } = await api.get<{ versions: ModelVersion[] }>('/v1/models/iris/versions');
    const [lr, svc] = [versions.find((v) => v.version === 1)!, versions.find((v) => v.version === 2)!];
    expect([lr.algorithm, svc.algorithm]).toEqual(['logistic_regression', 'svc']);
    // The demo's baseline is a strongly regularized logistic regression: svc must beat it,
    // and best_score must have deployed it.
    expect(svc.score).toBeGreaterThan(lr.score!);
    const better = 2;
    const { history } = await api.get<{ history: AliasHistoryEntry[] }>(
      '/v1/models/iris/aliases/champion/history',
    );
    const byTraining = history.filter(
      (h) => h.policy === 'best_score' && h.by === 'pipeline' && h.to !== null && h.to <= 2,
    );
    expect(byTraining.at(-1)?.to).toBe(better);
    expect(tableRow(demo.stdout, 'logistic_regression')?.[3]).toBe(lr.score!.toFixed(4));
    expect(tableRow(demo.stdout, 'svc')?.[3]).toBe(svc.score!.toFixed(4));
    expect(demo.stdout).toContain(`champion: v${better} (`);
  });

  it('answered single predictions and a batch', () => {
    const singles = demo.stdout.split('━━ 3/7')[1]!.split('━━ 4/7')[0]!;
    const rows = singles.split('\n').filter((l) => /^│ [a-z0-9]{12}-[a-z0-9]+\.\d+ +│/.test(l));
    expect(rows).toHaveLength(3);
    // Each single row's prediction is shown beside its ground truth.
    for (const row of rows)
      expect(
        row
          .split('│')
          .slice(1, -1)
          .map((c) => c.trim()),
      ).toHaveLength(6);
    const batch = /batch answered by iris v\d+: 30 predictions, (\d+)\/30 match/.exec(singles);
    expect(Number(batch?.[1])).toBeGreaterThanOrEqual(24);
  });

  it('ran the A/B test to a decision on fed-back ground truth', async () => {
    const ab = await api.get<AbTestStatus>('/v1/endpoints/iris/ab-tests/current');
    expect(ab.state).toBe('completed');
    expect(['promote_challenger', 'keep_champion', 'no_difference']).toContain(ab.decision);
    expect(ab.champion.n + ab.challenger.n).toBeGreaterThanOrEqual(2 * ab.minSamples);
    if (ab.decision === 'no_difference')
      expect(Math.min(ab.champion.n, ab.challenger.n)).toBeGreaterThanOrEqual(ab.maxSamples);
    const { history } = await api.get<{ history: AliasHistoryEntry[] }>(
      '/v1/models/iris/aliases/champion/history',
    );
    const promoted = history.some((h) => h.policy === 'ab_test' && h.to === ab.challenger.version);
    expect(promoted).toBe(ab.decision === 'promote_challenger');
    expect(tableRow(demo.stdout, 'decision')?.[1]).toBe(ab.decision);
  });

  it('reported drift on exactly the shifted features and retrained because of it', async () => {
    const { reports } = await api.get<{ reports: DriftSummary[] }>('/v1/endpoints/iris/drift');
    const drifted = reports.filter((r) => r.driftDetected);
    expect(drifted).toHaveLength(1);
    const report = await api.get<DriftReportView>(`/v1/endpoints/iris/drift/${drifted[0]!.reportId}`);
    // The window holds exactly the drifted traffic (150 rows), none of the A/B traffic before it.
    expect(report).toMatchObject({ status: 'ok', rows: 150, datasetDrift: true, event: 'published' });
    expect(
      report.features
        .filter((f) => f.drifted)
        .map((f) => f.name)
        .sort(),
    ).toEqual(Object.keys(DRIFT).sort());
    // The API and the CLI say which rule fired, not only YES next to the dataset-drift verdict.
    expect(report.rule).toMatch(/Bonferroni/);
    for (const name of Object.keys(DRIFT))
      expect(report.detectedBy).toContainEqual(expect.stringContaining(`feature '${name}'`));
    expect(tableRow(demo.stdout, 'drift detected')?.[1]).toMatch(/^YES — feature '/);
    expect(tableRow(demo.stdout, 'rule')?.[1]).toMatch(/^any of 5 signals/);
    expect(demo.stdout).toContain(report.reportId);

    const { runs } = await api.get<{ runs: ApiRun[] }>('/v1/experiments/iris/runs');
    const retrain = runs.filter((r) => r.triggeredBy === report.reportUri);
    expect(retrain).toHaveLength(1);
    expect(retrain[0]!.status).toBe('SUCCEEDED');
    expect(demo.stdout).toContain(`retraining run ${retrain[0]!.id}`);
  });

  it('listed the history and ended with curl lines carrying the token', async () => {
    const token = (await readFile(join(dataDir, 'token'), 'utf8')).trim();
    expect(demo.stdout).toContain(`$ cirrus models history iris`);
    expect(demo.stdout).toContain(`-H "Authorization: Bearer ${token}"`);
    expect(demo.stdout).toContain('/v1/endpoints/iris/predict');
    expect(demo.stdout).toContain(`cirrus local up --data-dir ${dataDir}`);
  });

  it("exports every version's model card in OpenMetadata's MlModel shape (entity and create request)", async () => {
    const { models } = await api.get<{ models: { name: string }[] }>('/v1/models');
    let cards = 0;
    for (const { name } of models) {
      const { versions } = await api.get<{ versions: ModelVersion[] }>(`/v1/models/${name}/versions`);
      for (const { version } of versions) {
        const path = `/v1/models/${name}/versions/${version}/card`;
        expect(openMetadataErrors('entity', await api.get(path))).toEqual([]);
        expect(openMetadataErrors('create', await api.get(`${path}?form=create`))).toEqual([]);
        cards++;
      }
    }
    expect(cards).toBeGreaterThanOrEqual(2);
  });
});
