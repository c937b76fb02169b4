import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../contracts/dataset.js';
import { ArtifactIntegrityError, putArtifact, SHA256_METADATA_KEY } from '../../core/artifacts/index.js';
import { BUILTIN_DATASETS_DIR } from '../../core/datasets/builtin.js';
import { parseCsv } from '../../core/data/index.js';
import { ValidationError } from '../../core/errors.js';
import { checkTrainable, targetCounts } from '../../core/pipeline/trainable.js';
import { AWKWARD_LABELS } from './awkward-labels.js';
import { usePipelineHarness } from './harness.js';

// The submit-time target check streams the dataset from the real emulated S3 and keeps only the
// target's counts: they must equal what the whole file parsed (parseCsv) gives.
const harness = usePipelineHarness();

/** The counts the check computed before it streamed: every present target cell of parseCsv. */
function parsedCounts(bytes: Uint8Array | string, target: string): Map<string, number> {
  const column = parseCsv(bytes, { field: 'dataset' }).columns.find((c) => c.name === target)!;
  const counts = new Map<string, number>();
  for (const v of column.values) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

async function stored(name: string, body: Uint8Array | string): Promise<string> {
  return (await putArtifact(harness.deps(), { key: `sources/${name}.csv`, body })).uri;
}

function record(name: string, uri: string): DatasetRecord {
  return { name, uri } as DatasetRecord;
}

const AWKWARD = AWKWARD_LABELS;

describe('checkTrainable streams the target column', () => {
  it.each([
    ['iris', 'target'],
    ['wine', 'target'],
    ['digits', 'target'],
    ['breast_cancer', 'target'],
    ['reviews', 'sentiment'],
  ])('%s: classification counts equal the parsed file', async (name, target) => {
    const bytes = readFileSync(join(BUILTIN_DATASETS_DIR, `${name}.csv`));
    const counts = await targetCounts(harness.deps(), await stored(name, bytes), target, true);
    expect(counts).toEqual(parsedCounts(bytes, target));
  });

  it('quoted, padded and missing labels count as parseCsv keeps them', async () => {
    const counts = await targetCounts(harness.deps(), await stored('awkward', AWKWARD), 'the target', true);
    expect(counts).toEqual(parsedCounts(AWKWARD, 'the target'));
    expect(counts.size).toBe(3);
  });

  it('a regression target keeps two values, not one per row', async () => {
    const bytes = readFileSync(join(BUILTIN_DATASETS_DIR, 'diabetes.csv'));
    expect(parsedCounts(bytes, 'target').size).toBeGreaterThan(100);
    const counts = await targetCounts(harness.deps(), await stored('diabetes', bytes), 'target', false);
    expect(counts.size).toBe(2);
  });

  it('refuses a single-valued target and a class under two rows, naming target', async () => {
    const deps = harness.deps();
    const one = record('one', await stored('one', 'x,y\n1,7\n2,7\n3,\n'));
    await expect(checkTrainable(deps, { task: 'regression', target: 'y' }, one)).rejects.toThrow(
      /holds the single value '7' in every row/,
    );
    const rare = record('rare', await stored('rare', 'x,y\n1,a\n2,a\n3,b\n'));
    await expect(checkTrainable(deps, { task: 'classification', target: 'y' }, rare)).rejects.toThrow(
      /class 'b' \(1\) of 'y' has fewer than 2 rows/,
    );
    await expect(
      checkTrainable(
        deps,
        { task: 'classification', target: 'y' },
        record('ok', await stored('ok', 'x,y\n1,a\n2,a\n3,b\n4,b\n')),
      ),
    ).resolves.toBeUndefined();
  });

  it('a ragged row and a changed object are errors, as the parsed read gave', async () => {
    const deps = harness.deps();
    const ragged = record('ragged', await stored('ragged', 'x,y\n1,a\n2,a,9\n3,b\n'));
    const error = await checkTrainable(deps, { task: 'classification', target: 'y' }, ragged).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/dataset: row 3 has 3 fields, the header has 2/);
    // An object whose bytes are not the ones its sha256 metadata names: the check reads to the end.
    await deps.s3.send(
      new PutObjectCommand({
        Bucket: deps.bucket,
        Key: 'sources/changed.csv',
        Body: 'x,y\n1,a\n2,a\n3,b\n4,b\n',
        Metadata: { [SHA256_METADATA_KEY]: '0'.repeat(64) },
      }),
    );
    const changed = record('changed', `s3://${deps.bucket}/sources/changed.csv`);
    await expect(
      checkTrainable(deps, { task: 'classification', target: 'y' }, changed),
    ).rejects.toBeInstanceOf(ArtifactIntegrityError);
  });
});
