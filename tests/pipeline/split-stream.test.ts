import { readFileSync } from 'node:fs';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { SplitStrategy } from '../../contracts/training-request.js';
import { ArtifactIntegrityError, headArtifact, putArtifact, sha256Hex } from '../../core/artifacts/index.js';
import { BUILTIN_DATASETS_DIR } from '../../core/datasets/builtin.js';
import { parseCsv, splitRows, toCsv, toStrings, findColumn } from '../../core/data/index.js';
import { recordedSplitCounts } from '../../core/datasets/profile.js';
import { registerDataset } from '../../core/datasets/store.js';
import type { CoreDeps } from '../../core/deps.js';
import { prepare, runKeys } from '../../core/pipeline/prepare.js';
import { splitDatasetStreaming } from '../../core/pipeline/split-stream.js';
import { usePipelineHarness } from './harness.js';

// Prepare's streaming split, on the real emulated S3: the channels must hold the same bytes the
// in-memory path (parseCsv → splitRows → toCsv) gives, in two passes, and in one pass from the
// counts a registered version recorded (values.json).
const harness = usePipelineHarness();

/** The harness's deps, counting the GetObject requests of `key` (the real client answers them). */
function countingReads(key: string): { deps: CoreDeps; reads: () => number } {
  const deps = harness.deps();
  let reads = 0;
  const send = ((command: { input?: { Key?: string } }) => {
    if (command instanceof GetObjectCommand && command.input.Key === key) reads++;
    return deps.s3.send(command as GetObjectCommand);
  }) as S3Client['send'];
  return { deps: { ...deps, s3: { send } as S3Client }, reads: () => reads };
}

async function objectText(key: string): Promise<string> {
  const deps = harness.deps();
  const out = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }));
  return (await out.Body?.transformToString('utf8')) ?? '';
}

/** What Prepare wrote before it streamed: the whole file parsed, split, written back. */
function inMemorySplit(bytes: Uint8Array, strategy: SplitStrategy, target: string, seed: number) {
  const csv = parseCsv(bytes, { field: 'dataset' });
  const labels = strategy === 'stratified' ? toStrings(findColumn(csv, target, 'target')) : undefined;
  const split = splitRows(csv.schema.rowCount, { strategy, testSize: 0.25, seed, labels });
  return { train: toCsv(csv.columns, split.train), test: toCsv(csv.columns, split.test), split };
}

/** `restarts`: reads a plain attempt gives up after its first chunk (the split then reads again). */
async function splitAndCompare(
  name: string,
  bytes: Uint8Array,
  strategy: SplitStrategy,
  target: string,
  restarts = 0,
) {
  const source = await putArtifact(harness.deps(), { key: `sources/${name}.csv`, body: bytes });
  const keys = await splitAndCheck(name, bytes, strategy, target, source.key, undefined, restarts);
  const dataset = await registerDataset(harness.deps(), { name: `split-${name}`, csv: bytes });
  const recorded = await recordedSplitCounts(harness.deps(), dataset, target);
  const dataKey = new URL(dataset.uri).pathname.slice(1);
  await splitAndCheck(`${name}-recorded`, bytes, strategy, target, dataKey, recorded, restarts);
  return keys;
}

async function splitAndCheck(
  name: string,
  bytes: Uint8Array,
  strategy: SplitStrategy,
  target: string,
  sourceKey: string,
  recorded: Awaited<ReturnType<typeof recordedSplitCounts>>,
  restarts: number,
) {
  const { deps, reads } = countingReads(sourceKey);
  const keys = { train: `out/${name}/${strategy}/train.csv`, test: `out/${name}/${strategy}/test.csv` };
  const seed = 1234;
  const result = await splitDatasetStreaming(deps, {
    source: { key: sourceKey, expectedSha256: sha256Hex(bytes) },
    strategy,
    testSize: 0.25,
    seed,
    target,
    keys,
    ...(recorded ? { recorded } : {}),
  });
  // One read when the version recorded what the split needs (a stratified target's labels).
  const onePass = recorded !== undefined && (strategy !== 'stratified' || recorded.labels !== undefined);
  expect(reads()).toBe((onePass ? 1 : 2) + restarts);
  const expected = inMemorySplit(bytes, strategy, target, seed);
  expect(result.rows).toEqual({ train: expected.split.train.length, test: expected.split.test.length });
  expect(firstDifference(await objectText(keys.train), expected.train)).toBeUndefined();
  expect(firstDifference(await objectText(keys.test), expected.test)).toBeUndefined();
  return keys;
}

/** Where two texts first differ, with context (vitest's diff of megabyte strings takes minutes). */
function firstDifference(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  const around = (t: string) => JSON.stringify(t.slice(Math.max(0, i - 40), i + 40));
  return `lengths ${actual.length} / ${expected.length}; at ${i}: ${around(actual)} vs ${around(expected)}`;
}

/** Quoted cells, embedded commas/newlines/quotes, missing cells, padded cells; over one part. */
function awkwardCsv(rows: number): string {
  const lines = ['" x ",y,"la,bel",note'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < rows; i++) {
    const label = ['a', 'b,c', 'NA', 'd'][Math.floor(next() * 4)]!;
    const note = i % 97 === 0 ? '"two\nlines ""q"""' : i % 13 === 0 ? ' padded ' : `n${i}`;
    lines.push(`${(next() * 100).toFixed(6)},${i % 50 === 0 ? '' : i},"${label}",${note}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A plain file (no quote, no '\r'): missing tokens, padded cells, empty lines, a BOM, non-ASCII. */
function plainCsv(rows: number, tail = ''): string {
  const lines = ['\uFEFF x ,y,label,note'];
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < rows; i++) {
    const label = ['a', 'NA', ' b', 'd', 'é'][Math.floor(next() * 5)]!;
    const note = i % 13 === 0 ? ' padded ' : i % 17 === 0 ? 'null' : i % 19 === 0 ? '\tt' : `n${i}`;
    lines.push(`${(next() * 100).toFixed(6)},${i % 50 === 0 ? '' : i},${label},${note}`);
    if (i % 1000 === 0) lines.push('');
  }
  return `${lines.join('\n')}\n${tail}`;
}

describe('Prepare streams the split', () => {
  for (const file of ['iris', 'wine', 'breast_cancer', 'diabetes', 'digits', 'reviews']) {
    const strategies: SplitStrategy[] =
      file === 'diabetes' ? ['shuffle', 'last'] : ['stratified', 'shuffle', 'last'];
    it(`${file}: the same train/test bytes as parseCsv + toCsv (${strategies.join(', ')})`, async () => {
      const bytes = readFileSync(`${BUILTIN_DATASETS_DIR}${file}.csv`);
      const target = file === 'reviews' ? parseCsv(bytes).columns.at(-1)!.name : 'target';
      for (const strategy of strategies) await splitAndCompare(file, bytes, strategy, target);
    });
  }

  it('a file over one multipart part (quotes, line breaks, missing cells, CRLF) splits to the same bytes', async () => {
    const bytes = new TextEncoder().encode(awkwardCsv(420_000));
    expect(bytes.byteLength).toBeGreaterThan((8 * 1024 * 1024) / 0.75);
    const keys = await splitAndCompare('awkward', bytes, 'stratified', 'la,bel');
    expect(await headArtifact(harness.deps(), { key: keys.train })).toMatchObject({ sha256: undefined });
  });

  it('a plain file over one part (missing tokens, padded cells, empty lines, BOM) splits to the same bytes', async () => {
    const bytes = new TextEncoder().encode(plainCsv(450_000));
    expect(bytes.byteLength).toBeGreaterThan((8 * 1024 * 1024) / 0.75);
    await splitAndCompare('plain', bytes, 'stratified', 'label');
  });

  it('a quote after the first megabytes: the split starts over through csv-parse, same bytes', async () => {
    const bytes = new TextEncoder().encode(plainCsv(60_000, '1,2,"a",x\n'));
    await splitAndCompare('late-quote', bytes, 'shuffle', 'label', 1);
  });

  it('a ragged row in a plain file is named by its row, and writes no channel', async () => {
    const deps = harness.deps();
    const source = await putArtifact(deps, { key: 'sources/ragged.csv', body: 'a,b\n1,2\n\n3\n4,5\n' });
    const keys = { train: 'out/ragged/train.csv', test: 'out/ragged/test.csv' };
    const split = splitDatasetStreaming(deps, {
      source: { key: source.key },
      strategy: 'last',
      testSize: 0.5,
      seed: 1,
      keys,
      recorded: { rows: 3 },
    });
    await expect(split).rejects.toThrow('dataset: row 3 has 1 fields, the header has 2');
    expect(await headArtifact(deps, { key: keys.train })).toBeNull();
  });

  it('bytes that do not match the version write no channel', async () => {
    const deps = harness.deps();
    const bytes = new TextEncoder().encode(awkwardCsv(420_000));
    const source = await putArtifact(deps, { key: 'sources/tampered.csv', body: bytes });
    const keys = { train: 'out/tampered/train.csv', test: 'out/tampered/test.csv' };
    await expect(
      splitDatasetStreaming(deps, {
        source: { key: source.key, expectedSha256: sha256Hex('other bytes') },
        strategy: 'shuffle',
        testSize: 0.25,
        seed: 1,
        keys,
      }),
    ).rejects.toBeInstanceOf(ArtifactIntegrityError);
    expect(await headArtifact(deps, { key: keys.train })).toBeNull();
    expect(await headArtifact(deps, { key: keys.test })).toBeNull();
  });

  it('Prepare splits a registered version in one read, to the two-pass bytes', async () => {
    const bytes = readFileSync(`${BUILTIN_DATASETS_DIR}wine.csv`);
    const dataset = await registerDataset(harness.deps(), { name: 'prepared-wine', csv: bytes });
    const { deps, reads } = countingReads(new URL(dataset.uri).pathname.slice(1));
    const request = {
      experiment: 'e',
      task: 'classification',
      algorithm: 'logistic_regression',
      dataset: { name: dataset.name },
      target: 'target',
      seed: 1234,
      testSize: 0.25,
    };
    const run = { runId: 'run-one-read', experiment: 'e', model: 'm', dataset };
    const out = await prepare(deps, { request, run: { Payload: run } });
    expect(reads()).toBe(1);
    const expected = inMemorySplit(bytes, 'stratified', 'target', 1234);
    expect(out.rows).toEqual({ train: expected.split.train.length, test: expected.split.test.length });
    const keys = runKeys('run-one-read');
    expect(firstDifference(await objectText(keys.train), expected.train)).toBeUndefined();
    expect(firstDifference(await objectText(keys.test), expected.test)).toBeUndefined();
  });

  it('recorded counts the file does not match write no channel', async () => {
    const deps = harness.deps();
    const source = await putArtifact(deps, { key: 'sources/counted.csv', body: 'a,b\n1,x\n2,y\n3,x\n4,y\n' });
    const split = (name: string, recorded: { rows: number; labels?: Map<string, number> }) => {
      const keys = { train: `out/${name}/train.csv`, test: `out/${name}/test.csv` };
      const run = () =>
        splitDatasetStreaming(deps, {
          source: { key: source.key },
          strategy: recorded.labels ? 'stratified' : 'shuffle',
          testSize: 0.5,
          seed: 1,
          target: 'b',
          keys,
          recorded,
        });
      return { keys, run };
    };
    const cases = [
      split('label-count', {
        rows: 4,
        labels: new Map([
          ['x', 1],
          ['y', 3],
        ]),
      }),
      split('label-missing', {
        rows: 4,
        labels: new Map([
          ['x', 2],
          ['z', 2],
        ]),
      }),
      split('row-count', { rows: 5 }),
    ];
    for (const { keys, run } of cases) {
      await expect(run()).rejects.toThrow('dataset: its rows changed between the two reads');
      expect(await headArtifact(deps, { key: keys.train })).toBeNull();
      expect(await headArtifact(deps, { key: keys.test })).toBeNull();
    }
  });

  it('a missing target column is named', async () => {
    const deps = harness.deps();
    const source = await putArtifact(deps, { key: 'sources/small.csv', body: 'a,b\n1,x\n2,y\n3,x\n4,y\n' });
    await expect(
      splitDatasetStreaming(deps, {
        source: { key: source.key },
        strategy: 'stratified',
        testSize: 0.5,
        seed: 1,
        target: 'label',
        keys: { train: 'out/small/train.csv', test: 'out/small/test.csv' },
      }),
    ).rejects.toThrow("target: no column 'label' in the data (columns: a, b)");
  });
});
