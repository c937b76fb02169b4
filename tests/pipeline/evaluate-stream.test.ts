import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelContractSchema } from '../../contracts/model-contract.js';
import { getArtifact, getJson } from '../../core/artifacts/index.js';
import { loadBuiltinDataset, registerDataset } from '../../core/datasets/index.js';
import { numericMetrics } from '../../core/drift/profile.js';
import { readChannels, scoreInMemory, scoreStreamed } from '../../core/pipeline/evaluate.js';
import { runKeys } from '../../core/pipeline/prepare.js';
import { canStreamEvaluation } from '../../core/pipeline/score-stream.js';
import { outputOf, trainingRequest, usePipelineHarness } from './harness.js';

// Evaluate streams the channels in batches; its metrics and baseline must be the in-memory
// path's to the last digit. Real pipeline runs (real trainer, emulated S3), then both paths
// on the same run's channels and model, with batches of 7 rows.
const harness = usePipelineHarness();

/** Numeric and categorical features with missing cells, three classes. */
function mixedCsv(): string {
  const lines = ['size,color,weight,label'];
  for (let i = 0; i < 240; i++) {
    const color = i % 17 === 0 ? 'NA' : ['red', 'green', 'blue'][i % 3];
    const weight = i % 11 === 0 ? '' : ((i * 37) % 101) / 10;
    lines.push(`${(i % 23) / 3},${color},${weight},${['a', 'b', 'c'][(i * 7) % 3]}`);
  }
  return `${lines.join('\n')}\n`;
}

async function compareOnRun(overrides: Record<string, unknown>) {
  const deps = harness.deps();
  const result = await harness.pipelines().submit(trainingRequest(overrides));
  expect(result.status, `${result.error}: ${result.cause}`).toBe('SUCCEEDED');
  const runId: string = outputOf(result).run.Payload.runId;
  const keys = runKeys(runId);
  const contract = await getJson(deps, { key: keys.model('contract.json'), schema: ModelContractSchema });
  expect(canStreamEvaluation(contract)).toBe(true);
  const session = await ort.InferenceSession.create(
    await getArtifact(deps, { key: keys.model('model.onnx') }),
  );
  try {
    const streamed = await scoreStreamed(deps, session, contract, keys, { seed: 42, batchRows: 7 });
    const whole = await scoreInMemory(session, contract, await readChannels(deps, keys), {
      custom: false,
      seed: 42,
    });
    expect(streamed.metrics).toEqual(whole.metrics);
    const baseline = (s: typeof whole) => s.baseline(numericMetrics(s.metrics), new Date(0));
    expect(baseline(streamed)).toEqual(baseline(whole));
    // What the pipeline stored came from the streamed path.
    const metricsJson = JSON.parse(
      new TextDecoder().decode(await getArtifact(deps, { key: keys.model('metrics.json') })),
    );
    expect(metricsJson).toEqual(JSON.parse(JSON.stringify(whole.metrics)));
    return whole.metrics;
  } finally {
    await session.release();
  }
}

beforeAll(async () => {
  for (const name of ['iris', 'diabetes']) await loadBuiltinDataset(harness.deps(), name);
  await registerDataset(harness.deps(), { name: 'mixed', csv: new TextEncoder().encode(mixedCsv()) });
});

describe('Evaluate streams the channels', () => {
  it('classification (iris, logistic regression): same metrics and baseline as in memory', async () => {
    const metrics = await compareOnRun({ experiment: 'iris-stream' });
    expect(metrics.score).toBeGreaterThan(0.8);
  });

  it('regression (diabetes, ridge): same metrics and baseline as in memory', async () => {
    await compareOnRun({
      experiment: 'diabetes-stream',
      task: 'regression',
      algorithm: 'ridge',
      dataset: { name: 'diabetes' },
    });
  });

  it('categorical features with missing cells (decision tree): same metrics and baseline', async () => {
    await compareOnRun({
      experiment: 'mixed-stream',
      algorithm: 'decision_tree',
      dataset: { name: 'mixed' },
      target: 'label',
    });
  });
});
