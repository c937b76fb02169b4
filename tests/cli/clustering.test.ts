import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliPlatform, startCliPlatform, tableRow } from './run-cli.js';

// Clustering as a user runs it: `cirrus train --task clustering` through the real pipeline
// (trainer, Evaluate on onnxruntime, Register, best_score), then predict and drift, on one
// embedded platform for the whole file.
let p: CliPlatform;
const cli = (...args: string[]) => p.cli(...args);

const FEATURES = 'sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)';
const KMEANS = ['train', '--experiment', 'k', '--task', 'clustering', '--algorithm', 'kmeans'];
const SETOSA = {
  'sepal length (cm)': 5.1,
  'sepal width (cm)': 3.5,
  'petal length (cm)': 1.4,
  'petal width (cm)': 0.2,
};

interface ClusterRun {
  status: string;
  score: number;
  metrics: { task: string; n: number; silhouette: number; inertia: number; sizes: number[]; score: number };
}

const showRun = async (id: string): Promise<ClusterRun> =>
  JSON.parse((await cli('--json', 'runs', 'show', id)).stdout);
const lastRunId = async (): Promise<string> =>
  JSON.parse((await cli('--json', 'runs', 'list', '--experiment', 'k')).stdout).runs[0].id;
const champion = async (): Promise<number> => {
  const { aliases } = JSON.parse((await cli('--json', 'models', 'show', 'k')).stdout);
  return aliases.find((a: { alias: string }) => a.alias === 'champion').version;
};

beforeAll(async () => {
  p = await startCliPlatform('cirrus-clustering-');
  expect((await cli('datasets', 'load', 'iris')).code).toBe(0);
});
afterAll(() => p?.stop());

describe('clustering through the CLI', () => {
  it('refuses --target at submit, naming the field, before any run exists', async () => {
    const res = await cli(...KMEANS, '--dataset', 'iris', '--target', 'target');
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/target: task 'clustering' takes no target.*\(field: target\) \[400/);
    const list = await cli('--json', 'runs', 'list', '--experiment', 'k');
    expect(list.stderr).toContain("experiment 'k' not found");
  });

  it('trains k-means without a target and scores it by silhouette, inertia and cluster sizes', async () => {
    const res = await cli(...KMEANS, '--dataset', 'iris', '--features', FEATURES, '--param', 'n_clusters=3');
    expect(res.code).toBe(0);
    expect(tableRow(res.stdout, 'status')).toEqual(['status', 'SUCCEEDED']);
    expect(tableRow(res.stdout, 'cluster sizes')?.[1]).toMatch(/^\d+, \d+, \d+$/);
    const run = await showRun(await lastRunId());
    expect(run.metrics).toMatchObject({ task: 'clustering', n: 38 });
    expect(run.metrics.sizes).toHaveLength(3);
    expect(run.metrics.sizes.reduce((a, b) => a + b, 0)).toBe(38);
    expect(run.metrics.silhouette).toBeGreaterThan(0.4);
    expect(run.metrics.inertia).toBeGreaterThan(0);
    expect(run.score).toBe(run.metrics.silhouette);
    expect(res.stdout).toContain('deployed: k v1 is now champion');
  });

  it('trains without --features too (every column is a feature when there is no target)', async () => {
    const res = await cli(...KMEANS, '--dataset', 'iris', '--param', 'n_clusters=4', '--policy', 'manual');
    expect(res.code).toBe(0);
    expect(tableRow(res.stdout, 'status')).toEqual(['status', 'SUCCEEDED']);
  });

  it('best_score keeps the version with the higher silhouette', async () => {
    const v1 = await showRun(
      JSON.parse((await cli('--json', 'runs', 'list', '--experiment', 'k')).stdout).runs[1].id,
    );
    const two = await cli(...KMEANS, '--dataset', 'iris', '--features', FEATURES, '--param', 'n_clusters=2');
    expect(two.code).toBe(0);
    const v3 = await showRun(await lastRunId());
    // On iris, two clusters separate better than three (silhouette ~0.68 vs ~0.55).
    expect(v3.score).toBeGreaterThan(v1.score);
    expect(await champion()).toBe(3);
    const eight = await cli(
      ...KMEANS,
      '--dataset',
      'iris',
      '--features',
      FEATURES,
      '--param',
      'n_clusters=8',
    );
    expect(eight.code).toBe(0);
    expect((await showRun(await lastRunId())).score).toBeLessThan(v3.score);
    expect(eight.stdout).toMatch(/not deployed/);
    expect(await champion()).toBe(3);
  }, 300_000);

  it('the endpoint answers cluster and distances', async () => {
    const res = await cli('--json', 'predict', 'k', '--json', JSON.stringify(SETOSA));
    expect(res.code).toBe(0);
    const [p] = JSON.parse(res.stdout).predictions;
    expect(Object.keys(p).sort()).toEqual(['cluster', 'distances']);
    expect(p.distances).toHaveLength(2);
    expect(p.distances[p.cluster]).toBe(Math.min(...p.distances));
  });

  it('drift watches the cluster distribution', async () => {
    // Only setosa-like rows: every answer falls in one cluster, which training saw for ~1/3 of rows.
    const rows = Array.from({ length: 60 }, (_, i) => ({
      ...SETOSA,
      'sepal width (cm)': 3.2 + (i % 6) / 10,
    }));
    const csv = join(p.dir, 'setosa.csv');
    await writeFile(csv, [FEATURES, ...rows.map((r) => Object.values(r).join(','))].join('\n'));
    expect((await cli('predict', 'k', '--file', csv)).code).toBe(0);
    const drift = await cli('--json', 'drift', 'run', 'k');
    const report = JSON.parse(drift.stdout);
    expect(report.status).toBe('ok');
    expect(report.prediction).toMatchObject({ type: 'categorical', drifted: true });
    expect(report.driftDetected).toBe(true);
  });
});
