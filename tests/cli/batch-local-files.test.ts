import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliPlatform, IRIS_TRAIN_ARGS, startCliPlatform } from './run-cli.js';

// `cirrus batch-predict` with local files on the local runtime: the CLI uploads the input to
// presigned URLs of the emulated S3, the real batch-predict.asl.json runs, and the outputs are
// downloaded when the job ends. Each output row is checked against the predict API's answer.
let p: CliPlatform;
const FEATURES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
const rows = Array.from({ length: 60 }, (_, i) => [
  4 + (i % 40) / 10,
  2 + (i % 25) / 10,
  1 + (i % 60) / 10,
  (i % 25) / 10,
]);

async function single(batch: number[][]): Promise<string[]> {
  const res = await fetch(`${p.platform.url}/v1/endpoints/iris/predict`, {
    method: 'POST',
    headers: { authorization: `Bearer ${p.platform.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      dataframe_records: batch.map((r) => Object.fromEntries(FEATURES.map((f, j) => [f, r[j]]))),
    }),
  });
  return ((await res.json()) as { predictions: { label: string }[] }).predictions.map((x) => x.label);
}

beforeAll(async () => {
  p = await startCliPlatform('cirrus-batch-files-');
  expect((await p.cli('datasets', 'load', 'iris')).code).toBe(0);
  expect((await p.cli(...IRIS_TRAIN_ARGS, '--algorithm', 'logistic_regression')).code).toBe(0);
}, 300_000);
afterAll(() => p?.stop());

describe('cirrus batch-predict with local paths', () => {
  it('uploads a local CSV, downloads the predictions to a file and the bad rows beside it', async () => {
    const input = join(p.dir, 'rows.csv');
    const lines = rows.map((r) => r.join(','));
    lines[9] = '5.1,abc,1.4,0.2'; // row 10: a bad cell
    await writeFile(input, `${FEATURES.map((f) => `"${f}"`).join(',')}\n${lines.join('\n')}\n`);
    const target = join(p.dir, 'scored.csv');
    const r = await p.cli(
      'batch-predict',
      'iris',
      '--input',
      input,
      '--output',
      target,
      '--batch-size',
      '25',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`uploaded ${input} to s3://cirrus-artifacts/batch/input/uploads/`);
    expect(r.stdout).toMatch(new RegExp(`saved predictions\\s+│\\s+${target}`));
    const out = (await readFile(target, 'utf8')).trim().split('\n');
    expect(out[0]).toBe('key,label,prob_0,prob_1,prob_2,model,version');
    const good = rows.filter((_, i) => i !== 9);
    expect(out.slice(1).map((l) => l.split(',')[0])).toEqual(
      rows.map((_, i) => String(i + 1)).filter((k) => k !== '10'),
    );
    expect(out.slice(1).map((l) => l.split(',')[1])).toEqual(await single(good));
    const errors = (await readFile(join(p.dir, 'scored.errors.csv'), 'utf8')).trim().split('\n');
    expect(errors[0]).toBe('row,reason');
    expect(errors.slice(1).map((l) => l.split(',')[0])).toEqual(['10']);
  }, 300_000);

  it('uploads a folder of JSON Lines files and downloads into a folder', async () => {
    const folder = join(p.dir, 'parts');
    await mkdir(folder);
    const record = (r: number[], id: number) =>
      JSON.stringify({ id, ...Object.fromEntries(FEATURES.map((f, j) => [f, r[j]])) });
    await writeFile(
      join(folder, 'a.jsonl'),
      `${rows
        .slice(0, 30)
        .map((r, i) => record(r, i))
        .join('\n')}\n`,
    );
    await writeFile(
      join(folder, 'b.jsonl'),
      `${rows
        .slice(30)
        .map((r, i) => record(r, 30 + i))
        .join('\n')}\n`,
    );
    const outDir = join(p.dir, 'out') + '/';
    const r = await p.cli(
      '--json',
      'batch-predict',
      'iris',
      '--input',
      folder,
      '--output',
      outDir,
      '--key-column',
      'id',
    );
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout) as { jobId: string; input: string; downloaded: { predictions: string } };
    expect(job.input).toMatch(/^s3:\/\/cirrus-artifacts\/batch\/input\/uploads\/[0-9a-f-]+\/$/);
    expect(job.downloaded.predictions).toBe(join(outDir, `predictions-${job.jobId}.jsonl`));
    const out = (await readFile(job.downloaded.predictions, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { key: string; label: string });
    expect(out.map((o) => o.key)).toEqual(rows.map((_, i) => String(i)));
    expect(out.map((o) => o.label)).toEqual(await single(rows));
  }, 300_000);

  it('refuses a local --output with --no-wait, before uploading anything', async () => {
    const r = await p.cli(
      'batch-predict',
      'iris',
      '--input',
      join(p.dir, 'rows.csv'),
      '--output',
      join(p.dir, 'x.csv'),
      '--no-wait',
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--output: a local path needs the job to end here');
  });

  it('evaluates drift of a job input when asked (--drift, drift run --batch-job), stored like other reports', async () => {
    const iris = (await readFile(new URL('../../datasets/iris.csv', import.meta.url), 'utf8'))
      .trim()
      .split('\n');
    const header = iris[0].split(',');
    const cols = FEATURES.map((f) =>
      header.indexOf(`"${f}"`) >= 0 ? header.indexOf(`"${f}"`) : header.indexOf(f),
    );
    expect(cols.every((c) => c >= 0)).toBe(true);
    const data = iris
      .slice(1)
      .map((l) => l.split(','))
      .map((c) => cols.map((j) => Number(c[j])));
    const write = async (name: string, shift: number) => {
      const path = join(p.dir, name);
      await writeFile(
        path,
        `${FEATURES.join(',')}\n${data.map((r) => r.map((v) => v + shift).join(',')).join('\n')}\n`,
      );
      return path;
    };
    const run = async (path: string) => {
      const r = await p.cli(
        '--json',
        'batch-predict',
        'iris',
        '--input',
        path,
        '--output',
        join(p.dir, 'drift-out/'),
        '--drift',
      );
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as {
        jobId: string;
        drift: {
          status: string;
          driftDetected: boolean;
          rows: number;
          reportId: string;
          batchJob: { rowsRead: number };
        };
      };
    };
    const same = await run(await write('same.csv', 0));
    expect(same.drift).toMatchObject({
      status: 'ok',
      driftDetected: false,
      rows: 150,
      batchJob: { rowsRead: 150 },
    });
    const shifted = await run(await write('shifted.csv', 3));
    expect(shifted.drift).toMatchObject({ status: 'ok', driftDetected: true, rows: 150 });
    // Stored like every drift report: listed under the endpoint, readable by id.
    const listed = await p.cli('--json', 'drift', 'report', 'iris', shifted.drift.reportId);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      driftDetected: true,
      batchJob: { jobId: shifted.jobId },
    });
    // Later, bounded: the first 40 rows only.
    const later = await p.cli(
      '--json',
      'drift',
      'run',
      'iris',
      '--batch-job',
      same.jobId,
      '--max-rows',
      '40',
    );
    expect(later.code, later.stderr).toBe(0);
    expect(JSON.parse(later.stdout)).toMatchObject({
      rows: 40,
      batchJob: { jobId: same.jobId, rowsRead: 40, maxRows: 40 },
    });
  }, 300_000);
});
