import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { DatasetValueCountsSchema } from '../../contracts/dataset-schema.js';
import { getJson } from '../../core/artifacts/index.js';
import { BUILTIN_DATASETS_DIR } from '../../core/datasets/builtin.js';
import { datasetArtifactKeys, registerDataset } from '../../core/datasets/store.js';
import { checkTrainable, targetCounts } from '../../core/pipeline/trainable.js';
import { AWKWARD_LABELS } from './awkward-labels.js';
import { usePipelineHarness } from './harness.js';

// Registration records the few-valued columns' counts (values.json) so a submission checks its
// target without reading the CSV again. Checked against the streamed count of the real file, and
// by deleting data.csv: a check that still answers right read values.json only.
const harness = usePipelineHarness();

async function register(name: string, csv: Uint8Array | string) {
  return registerDataset(harness.deps(), { name, csv });
}

async function dropData(name: string, version: string): Promise<void> {
  const deps = harness.deps();
  const Key = datasetArtifactKeys.data(name, version);
  await deps.s3.send(new DeleteObjectCommand({ Bucket: deps.bucket, Key }));
}

async function valuesOf(name: string, version: string) {
  const key = datasetArtifactKeys.values(name, version);
  return getJson(harness.deps(), { key, schema: DatasetValueCountsSchema });
}

/** The awkward labels and a `__proto__` label, twice. */
const AWKWARD = `${AWKWARD_LABELS}\r\n9,__proto__\r\n10,__proto__`;

describe('a dataset version records its value counts', () => {
  it.each([
    ['iris', 'target'],
    ['digits', 'target'],
    ['reviews', 'sentiment'],
  ])('%s: the counts equal a streamed count of the file', async (name, target) => {
    const deps = harness.deps();
    const dataset = await register(`vc-${name}`, readFileSync(join(BUILTIN_DATASETS_DIR, `${name}.csv`)));
    const recorded = (await valuesOf(dataset.name, dataset.version)).columns.find((c) => c.name === target);
    expect(new Map(recorded!.values)).toEqual(await targetCounts(deps, dataset.uri, target, true));
  });

  it('quoted, padded, missing and __proto__ labels count as the streamed read counts them', async () => {
    const dataset = await register('vc-awkward', AWKWARD);
    const recorded = (await valuesOf(dataset.name, dataset.version)).columns.find(
      (c) => c.name === 'the target',
    );
    const streamed = await targetCounts(harness.deps(), dataset.uri, 'the target', true);
    expect(new Map(recorded!.values)).toEqual(streamed);
    expect(streamed.get('__proto__')).toBe(2);
  });

  it('checks a submission from values.json alone (the CSV is gone)', async () => {
    const deps = harness.deps();
    const rare = await register('vc-rare', 'x,y,z\n1,a,7\n2,a,7\n3,b,7\n4,c,8\n5,c,9\n');
    await dropData(rare.name, rare.version);
    await expect(checkTrainable(deps, { task: 'classification', target: 'y' }, rare)).rejects.toThrow(
      /class 'b' \(1\) of 'y' has fewer than 2 rows/,
    );
    await expect(checkTrainable(deps, { task: 'regression', target: 'z' }, rare)).resolves.toBeUndefined();
    const constant = await register('vc-constant', 'x,y\n1,7\n2,7\n3,\n');
    await dropData(constant.name, constant.version);
    await expect(checkTrainable(deps, { task: 'regression', target: 'y' }, constant)).rejects.toThrow(
      /holds the single value '7' in every row/,
    );
  });

  it('a regression target with more values than counted passes without reading the CSV', async () => {
    const rows = Array.from({ length: 1_200 }, (_, i) => `${i},${i * 0.5}`).join('\n');
    const dataset = await register('vc-many', `x,y\n${rows}\n`);
    expect((await valuesOf(dataset.name, dataset.version)).columns.map((c) => c.name)).toEqual([]);
    await dropData(dataset.name, dataset.version);
    await expect(
      checkTrainable(harness.deps(), { task: 'regression', target: 'y' }, dataset),
    ).resolves.toBeUndefined();
  });

  it('a column left uncounted for size, or a version without values.json, streams the CSV', async () => {
    const deps = harness.deps();
    // 100 columns of 1,000 values fill the counted total: the constant last column is left uncounted.
    const header = [...Array.from({ length: 100 }, (_, c) => `c${c}`), 't'].join(',');
    const lines = Array.from({ length: 1_000 }, (_, r) =>
      [...Array.from({ length: 100 }, (_, c) => r * 100 + c), 'x'].join(','),
    );
    const wide = await register('vc-wide', `${header}\n${lines.join('\n')}\n`);
    expect((await valuesOf(wide.name, wide.version)).uncounted).toEqual(['t']);
    await expect(checkTrainable(deps, { task: 'regression', target: 't' }, wide)).rejects.toThrow(
      /holds the single value 'x' in every row/,
    );
    const old = await register('vc-old', 'x,y\n1,a\n2,a\n3,b\n');
    await deps.s3.send(
      new DeleteObjectCommand({
        Bucket: deps.bucket,
        Key: datasetArtifactKeys.values(old.name, old.version),
      }),
    );
    await expect(checkTrainable(deps, { task: 'classification', target: 'y' }, old)).rejects.toThrow(
      /class 'b' \(1\) of 'y' has fewer than 2 rows/,
    );
  });
});
