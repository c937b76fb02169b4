import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelContractSchema } from '../../contracts/model-contract.js';
import { getArtifact, getJson } from '../../core/artifacts/index.js';
import { loadBuiltinDataset, registerDataset } from '../../core/datasets/index.js';
import { numericMetrics } from '../../core/drift/profile.js';
import { readChannels, scoreInMemory, scoreStreamed } from '../../core/pipeline/evaluate.js';
import { runKeys } from '../../core/pipeline/prepare.js';
import { canStreamEvaluation } from '../../core/pipeline/score-stream.js';
import { putArtifact } from '../../core/artifacts/index.js';
import type { ModelContract } from '../../contracts/model-contract.js';
import type * as Keys from '../../core/pipeline/prepare.js';
import { scoreStreamedRecords } from '../../core/pipeline/evaluate.js';
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

/**
 * Awkward cells: quoted labels with commas and a newline, padded, exponent and non-ASCII cells,
 * missing tokens, a quoted category with a comma, a free-text column the model does not use,
 * CRLF line ends when no row is plain. `plainRows` plain rows come first (a read switches to
 * csv-parse mid-file).
 */
function awkwardCsv(plainRows: number, rows: number): string {
  const labels = ['x', '"a,b"', '" a "', '"line\nbreak"', 'constructor'];
  const lines = ['size,color,note,weight,label'];
  for (let i = 0; i < rows; i++) {
    const plain = i < plainRows;
    // Cells a plain line may hold (padded, exponent, NBSP-padded, missing tokens, non-ASCII) ...
    const size = ['', ' 3.5 ', '1e1', 'NA', '-.5', '+2.', '\u00a07', `${(i % 23) / 3}`][i % 8];
    const plainColor = ['red', 'é', '', 'null', 'blue', ' green '][i % 6];
    // ... and cells only csv-parse reads (quotes).
    const color = !plain && i % 9 === 0 ? '"red, dark"' : plainColor;
    const note = plain ? `n${i}` : `"said ""hi"", twice"`;
    const weight = i % 11 === 0 ? '' : ((i * 37) % 101) / 10;
    const label = plain ? labels[(i * 7) % 3 === 0 ? 0 : 4] : labels[i % 5];
    lines.push(`${size},${color},${note},${weight},${label}`);
  }
  // csv-parse takes the first line's end for every line: CRLF throughout, or none.
  const end = plainRows === 0 ? '\r\n' : '\n';
  return `${lines.join(end)}${end}`;
}

/** The three streaming/in-memory paths on a run's channels: same metrics, same baseline. */
async function compareChannels(
  contract: ModelContract,
  keys: ReturnType<typeof Keys.runKeys>,
  batchRows: number,
) {
  const deps = harness.deps();
  const session = await ort.InferenceSession.create(
    await getArtifact(deps, { key: keys.model('model.onnx') }),
  );
  try {
    const bytes = await scoreStreamed(deps, session, contract, keys, { seed: 42, batchRows });
    const records = await scoreStreamedRecords(deps, session, contract, keys, { seed: 42, batchRows });
    const whole = await scoreInMemory(session, contract, await readChannels(deps, keys), {
      custom: false,
      seed: 42,
    });
    const baseline = (s: typeof whole) => JSON.stringify(s.baseline(numericMetrics(s.metrics), new Date(0)));
    expect(JSON.stringify(bytes.metrics)).toBe(JSON.stringify(whole.metrics));
    expect(JSON.stringify(records.metrics)).toBe(JSON.stringify(whole.metrics));
    expect(baseline(bytes)).toBe(baseline(whole));
    expect(baseline(records)).toBe(baseline(whole));
    return whole;
  } finally {
    await session.release();
  }
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
  for (const name of ['iris', 'diabetes', 'wine', 'breast_cancer', 'digits'])
    await loadBuiltinDataset(harness.deps(), name);
  await registerDataset(harness.deps(), { name: 'mixed', csv: new TextEncoder().encode(mixedCsv()) });
  await registerDataset(harness.deps(), { name: 'awkward', csv: awkwardCsv(0, 300) });
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

  it.each([
    ['wine', 'classification', 'random_forest'],
    ['breast_cancer', 'classification', 'gradient_boosting'],
    ['digits', 'classification', 'logistic_regression'],
    ['diabetes', 'regression', 'gradient_boosting'],
  ])('built-in %s (%s, %s): bytes, records and in-memory agree', async (name, task, algorithm) => {
    const result = await harness
      .pipelines()
      .submit(trainingRequest({ experiment: `${name}-bytes`, task, algorithm, dataset: { name } }));
    expect(result.status, `${result.error}: ${result.cause}`).toBe('SUCCEEDED');
    const keys = runKeys(outputOf(result).run.Payload.runId);
    const contract = await getJson(harness.deps(), {
      key: keys.model('contract.json'),
      schema: ModelContractSchema,
    });
    await compareChannels(contract, keys, 7);
    await compareChannels(contract, keys, 65_536);
  });

  it('awkward cells, labels and CRLF, plain then quoted mid-file: bytes, records and in-memory agree', async () => {
    const deps = harness.deps();
    const result = await harness.pipelines().submit(
      trainingRequest({
        experiment: 'awkward-stream',
        algorithm: 'decision_tree',
        dataset: { name: 'awkward' },
        target: 'label',
        features: ['size', 'color', 'weight'],
      }),
    );
    expect(result.status, `${result.error}: ${result.cause}`).toBe('SUCCEEDED');
    const keys = runKeys(outputOf(result).run.Payload.runId);
    const contract = await getJson(deps, { key: keys.model('contract.json'), schema: ModelContractSchema });
    expect(canStreamEvaluation(contract)).toBe(true);
    expect(contract.classes).toContain('a,b');
    // The run's own channels (Prepare quotes the awkward labels), then files written here: for
    // training a plain head of 3000 rows (more than a 64 KiB chunk) and awkward rows after it,
    // for test awkward rows with CRLF from the first line.
    await compareChannels(contract, keys, 7);
    await putArtifact(deps, { key: keys.train, body: new TextEncoder().encode(awkwardCsv(3000, 3400)) });
    await putArtifact(deps, { key: keys.test, body: new TextEncoder().encode(awkwardCsv(0, 400)) });
    const whole = await compareChannels(contract, keys, 7);
    await compareChannels(contract, keys, 65_536);
    const baseline = whole.baseline({}, new Date(0));
    expect(baseline.rowCount).toBe(3400);
    expect(baseline.features.find((f) => f.name === 'size')?.missing).toBeGreaterThan(0);

    // A cell that overflows to Infinity is refused naming the channel's row, not the batch's.
    const lines = awkwardCsv(3000, 3000).split('\n');
    lines[1 + 20] = lines[1 + 20]!.replace(/^[^,]*/, '1e999');
    await putArtifact(deps, { key: keys.test, body: new TextEncoder().encode(lines.join('\n')) });
    const session = await ort.InferenceSession.create(
      await getArtifact(deps, { key: keys.model('model.onnx') }),
    );
    try {
      const refusal = (p: Promise<unknown>) =>
        p.then(
          () => undefined,
          (e: { field?: string }) => e.field,
        );
      const opts = { seed: 42, batchRows: 7 };
      expect(await refusal(scoreStreamed(deps, session, contract, keys, opts))).toBe('rows[20].size');
      // The same field the in-memory path names.
      const inMemory = scoreInMemory(session, contract, await readChannels(deps, keys), {
        custom: false,
        seed: 42,
      });
      expect(await refusal(inMemory)).toBe('rows[20].size');
    } finally {
      await session.release();
    }
  });
});
