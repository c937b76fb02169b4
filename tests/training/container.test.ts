import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MetricsFileSchema } from '../../contracts/metrics.js';
import { ModelContractSchema } from '../../contracts/model-contract.js';
import { ModelManifestSchema, toHyperparametersFile } from '../../contracts/training-job.js';
import { ModelProtoType } from '../../core/ml/onnx/onnx-proto.js';
import { runContainer } from '../../training/container.js';
import { CONTRACT_METADATA_KEY } from '../../training/export.js';
import { datasetText, splitText } from './helpers.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function layout(channels: Record<string, string>, hyperparameters: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'cirrus-container-'));
  roots.push(root);
  for (const [name, csv] of Object.entries(channels)) {
    mkdirSync(join(root, 'input', 'data', name), { recursive: true });
    // SageMaker keeps the uploaded file name: any single file in the channel is read.
    writeFileSync(join(root, 'input', 'data', name, `${name}-part.csv`), csv);
  }
  mkdirSync(join(root, 'input', 'config'), { recursive: true });
  writeFileSync(join(root, 'input', 'config', 'hyperparameters.json'), JSON.stringify(hyperparameters));
  return root;
}

const job = {
  task: 'classification' as const,
  algorithm: 'ridge',
  target: 'target',
  dataset: { name: 'wine', version: 'sha' },
  seed: 7,
  runId: 'r-9',
  experiment: 'wine-exp',
};

describe('runContainer', () => {
  it('writes model.onnx with the contract in its metadata, and contract, metrics and manifest beside it', () => {
    const { train, test } = splitText(datasetText('wine'), 'classification');
    const root = layout({ train, test }, toHyperparametersFile(job, { alpha: '2.5' }));
    expect(runContainer(root, () => {})).toBe(0);
    const dir = join(root, 'model');
    const contract = ModelContractSchema.parse(JSON.parse(readFileSync(join(dir, 'contract.json'), 'utf8')));
    expect(contract.classes).toEqual(['0', '1', '2']);
    expect(contract.features).toHaveLength(13);
    expect(contract.features[0].source).toEqual({ dataset: 'wine', version: 'sha', columns: ['alcohol'] });
    const model = ModelProtoType.toObject(ModelProtoType.decode(readFileSync(join(dir, 'model.onnx'))), {
      longs: Number,
    });
    const meta = (model.metadata_props as { key: string; value: string }[]).find(
      (p) => p.key === CONTRACT_METADATA_KEY,
    );
    expect(JSON.parse(meta?.value ?? '{}')).toEqual(contract);
    const metrics = MetricsFileSchema.parse(JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')));
    expect(metrics.evaluatedOn).toBe('test');
    expect(metrics.metrics.n).toBeLessThan(metrics.training.n);
    expect(metrics.score).toBe(metrics.metrics.score);
    const manifest = ModelManifestSchema.parse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    expect(manifest).toMatchObject({
      seed: 7,
      algorithm: 'ridge',
      runId: 'r-9',
      hyperparameters: { alpha: 2.5, fit_intercept: true },
    });
    expect(manifest.trainerVersion).toBe(
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version,
    );
  });

  it('evaluates on the training rows when there is no test channel', () => {
    const root = layout(
      { train: datasetText('iris') },
      toHyperparametersFile({ ...job, algorithm: 'dummy' }),
    );
    expect(runContainer(root, () => {})).toBe(0);
    const metrics = MetricsFileSchema.parse(
      JSON.parse(readFileSync(join(root, 'model', 'metrics.json'), 'utf8')),
    );
    expect(metrics.evaluatedOn).toBe('train');
    expect(metrics.metrics.n).toBe(150);
    expect(metrics.score).toBeCloseTo(1 / 3, 12);
  });
});
