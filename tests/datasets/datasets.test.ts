import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DatasetSchemaSchema } from '../../contracts/dataset.js';
import { getArtifact, getJson } from '../../core/artifacts/index.js';
import {
  BUILTIN_DATASETS_DIR,
  getDataset,
  listDatasets,
  listDatasetVersions,
  loadBuiltinDataset,
  registerDataset,
} from '../../core/datasets/index.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { useEmulators } from '../emulators/harness.js';

// Real dynalite + s3rver: the dataset store as the API and the pipeline use it.
const { deps } = useEmulators();
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const csvA = 'x,y,label\n1,2,a\n3,4,b\n5,6,a\n';
const csvB = 'x,y,label\n1,2,a\n3,4,b\n5,6,a\n7,8,b\n';

describe('registerDataset', () => {
  it('stores the bytes and their inferred schema under the sha256 version', async () => {
    const record = await registerDataset(deps(), { name: 'toy', csv: csvA, description: 'a toy' });

    expect(record.version).toBe(sha256(csvA));
    expect(record.uri).toBe(`s3://${deps().bucket}/datasets/toy/${sha256(csvA)}/data.csv`);
    expect(record.rowCount).toBe(3);
    expect(record.schema.columns.map((c) => [c.name, c.type])).toEqual([
      ['x', 'numeric'],
      ['y', 'numeric'],
      ['label', 'categorical'],
    ]);
    expect(new TextDecoder().decode(await getArtifact(deps(), { uri: record.uri }))).toBe(csvA);
    expect(await getJson(deps(), { uri: record.schemaUri, schema: DatasetSchemaSchema })).toEqual(
      record.schema,
    );
    expect(await getDataset(deps(), 'toy')).toEqual(record);
  });

  it('is idempotent for the same bytes, also when registrations race', async () => {
    const raced = await Promise.all(
      [1, 2, 3, 4].map(() => registerDataset(deps(), { name: 'same', csv: csvA })),
    );
    const again = await registerDataset(deps(), { name: 'same', csv: csvA });

    for (const record of [...raced, again]) expect(record).toEqual(raced[0]);
    expect(await listDatasetVersions(deps(), 'same')).toEqual([raced[0]]);
  });

  it('keeps every version and moves latest to the last registered bytes', async () => {
    const a = await registerDataset(deps(), { name: 'moving', csv: csvA });
    const b = await registerDataset(deps(), { name: 'moving', csv: csvB });

    expect(b.version).not.toBe(a.version);
    expect((await getDataset(deps(), 'moving')).version).toBe(b.version);
    expect(await getDataset(deps(), 'moving', a.version)).toEqual(a);
    expect((await listDatasetVersions(deps(), 'moving')).map((r) => r.version)).toEqual([
      a.version,
      b.version,
    ]);

    await registerDataset(deps(), { name: 'moving', csv: csvA });
    expect((await getDataset(deps(), 'moving', 'latest')).version).toBe(a.version);
  });

  it('lists the latest version of each dataset', async () => {
    await registerDataset(deps(), { name: 'listed', csv: csvA });
    await registerDataset(deps(), { name: 'listed', csv: csvB });

    const listed = (await listDatasets(deps())).filter((d) => d.name === 'listed');

    expect(listed.map((d) => d.version)).toEqual([sha256(csvB)]);
  });

  it('refuses a bad name or an unparseable file, naming the field', async () => {
    await expect(registerDataset(deps(), { name: '../etc', csv: csvA })).rejects.toMatchObject({
      constructor: ValidationError,
      field: 'name',
    });
    await expect(registerDataset(deps(), { name: 'ragged', csv: 'a,b\n1,2\n3\n' })).rejects.toMatchObject({
      field: 'csv',
      message: expect.stringContaining('row 3'),
    });
  });
});

describe('getDataset', () => {
  it('names the missing dataset or version', async () => {
    await expect(getDataset(deps(), 'nowhere')).rejects.toThrow(new NotFoundError('dataset', 'nowhere'));
    const missing = sha256('other bytes');
    await registerDataset(deps(), { name: 'present', csv: csvA });
    await expect(getDataset(deps(), 'present', missing)).rejects.toThrow(
      `dataset 'present@${missing}' not found`,
    );
    await expect(getDataset(deps(), 'present', 'v1')).rejects.toMatchObject({ field: 'version' });
  });
});

describe('loadBuiltinDataset', () => {
  it('registers datasets/iris.csv whatever the working directory', async () => {
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      const iris = await loadBuiltinDataset(deps(), 'iris');

      const bytes = await readFile(`${BUILTIN_DATASETS_DIR}/iris.csv`);
      expect(iris.version).toBe(sha256(bytes));
      expect(iris.rowCount).toBe(150);
      expect(iris.schema.columns.map((c) => c.name)).toContain('target');
      expect(await loadBuiltinDataset(deps(), 'iris')).toEqual(iris);
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses a name that is not built in', async () => {
    await expect(loadBuiltinDataset(deps(), 'mnist')).rejects.toMatchObject({
      field: 'builtin',
      message: expect.stringContaining('iris'),
    });
  });
});
