import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { MetricsFileSchema } from '../../contracts/metrics.js';
import { ModelContractSchema } from '../../contracts/model-contract.js';
import { toHyperparametersFile } from '../../contracts/training-job.js';
import { parseCsv } from '../../core/data/csv.js';
import { adjustedRandIndex } from '../../training/algorithms/neighbors/index.js';
import { runContainer } from '../../training/container.js';
import { train } from '../../training/train.js';
import { datasetText, jobConfig, runOnnx } from './helpers.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const MEASUREMENTS = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];

/** Iris without its species column: what a clustering job sees. */
function irisUnlabelled(): { csv: string; species: number[] } {
  const lines = datasetText('iris').trim().split('\n');
  const header = lines[0].split(',');
  const t = header.indexOf('target');
  const keep = (cells: string[]) => cells.filter((_, i) => i !== t).join(',');
  return {
    csv: [keep(header), ...lines.slice(1).map((l) => keep(l.split(',')))].join('\n'),
    species: lines.slice(1).map((l) => Number(l.split(',')[t])),
  };
}

describe('task: clustering (kmeans) end to end', () => {
  it('runs through the container contract: cluster and distances in model.onnx, inertia and silhouette in metrics.json', async () => {
    const { csv, species } = irisUnlabelled();
    expect(parseCsv(csv).columns.map((c) => c.name)).toEqual(MEASUREMENTS);
    const root = mkdtempSync(join(tmpdir(), 'cirrus-cluster-'));
    roots.push(root);
    mkdirSync(join(root, 'input', 'data', 'train'), { recursive: true });
    mkdirSync(join(root, 'input', 'config'), { recursive: true });
    writeFileSync(join(root, 'input', 'data', 'train', 'data.csv'), csv);
    const job = {
      task: 'clustering' as const,
      algorithm: 'kmeans',
      dataset: { name: 'iris', version: 'v' },
      seed: 0,
      runId: 'r',
      experiment: 'e',
    };
    writeFileSync(
      join(root, 'input', 'config', 'hyperparameters.json'),
      JSON.stringify(toHyperparametersFile(job, { n_clusters: 3 })),
    );
    expect(runContainer(root, () => {})).toBe(0);

    const model = join(root, 'model');
    const contract = ModelContractSchema.parse(
      JSON.parse(readFileSync(join(model, 'contract.json'), 'utf8')),
    );
    expect(contract).toMatchObject({ task: 'clustering', clusters: 3 });
    expect(contract.target).toBeUndefined();
    const metrics = MetricsFileSchema.parse(JSON.parse(readFileSync(join(model, 'metrics.json'), 'utf8')));
    expect(metrics.metrics.task).toBe('clustering');
    if (metrics.metrics.task !== 'clustering') return;
    expect(metrics.metrics.silhouette).toBeGreaterThan(0.5);
    expect(metrics.metrics.inertia).toBeGreaterThan(0);
    expect(metrics.metrics.sizes.reduce((a, b) => a + b, 0)).toBe(150);
    expect(metrics.score).toBe(metrics.metrics.silhouette);

    const session = await ort.InferenceSession.create(readFileSync(join(model, 'model.onnx')));
    const rows = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    const out = await session.run({
      numeric: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]),
    });
    await session.release();
    expect(out.distances.dims).toEqual([150, 3]);
    const clusters = Array.from(out.cluster.data as BigInt64Array, Number);
    expect(adjustedRandIndex(clusters, species)).toBeGreaterThanOrEqual(0.7);
  });

  it('the ONNX distances match the trainer within 1e-5 and the clusters are identical, on unseen rows', async () => {
    const { csv } = irisUnlabelled();
    const lines = csv.split('\n');
    const trainCsv = [lines[0], ...lines.slice(1).filter((_, i) => i % 4 !== 0)].join('\n');
    const testCsv = [lines[0], ...lines.slice(1).filter((_, i) => i % 4 === 0)].join('\n');
    const result = train(
      jobConfig('clustering', 'kmeans', { n_clusters: '3', n_init: '4' }, { noTarget: true }),
      trainCsv,
      testCsv,
    );
    const out = await runOnnx(result.onnx, result.evaluatedFrame);
    expect(Array.from(out.cluster.data as BigInt64Array, Number)).toEqual(
      Array.from(result.predictions.clusters ?? []),
    );
    const mine = result.predictions.distances ?? new Float64Array();
    const theirs = out.distances.data as Float32Array;
    expect(theirs.length).toBe(mine.length);
    expect(Math.max(...mine.map((v, i) => Math.abs(v - theirs[i])))).toBeLessThanOrEqual(1e-5);
    expect(result.metrics.evaluatedOn).toBe('test');
  });

  it('rejects a target for clustering and more clusters than rows, naming the field', () => {
    const { csv } = irisUnlabelled();
    const withTarget = jobConfig('clustering', 'kmeans', {}, { target: 'sepal width (cm)' });
    expect(() => train(withTarget, csv)).toThrow(/^target: /);
    const small = csv.split('\n').slice(0, 4).join('\n');
    expect(() =>
      train(jobConfig('clustering', 'kmeans', { n_clusters: '5' }, { noTarget: true }), small),
    ).toThrow(/^hyperparameters\.n_clusters: /);
  });
});
