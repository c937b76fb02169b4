import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelContract } from '../../contracts/model-contract.js';
import { readCsvPlainFirst } from '../../core/data/csv-plain-rows.js';
import { plainCell } from '../../core/data/csv-plain-stream.js';
import { csvRecordsOfStream, isMissingCell, type ParsedCsv } from '../../core/data/index.js';
import { BaselineProfileBuilder } from '../../core/drift/profile.js';
import { decodeOutputs } from '../../core/ml/onnx-io.js';
import { batchPredictions } from '../../core/pipeline/batch-predictions.js';
import { batchLayout, FeatureBatch } from '../../core/pipeline/feature-batch.js';
import { csvRows, predictionValue } from '../../core/pipeline/score-csv.js';

// Evaluate's byte path, part by part, against what the record path reads: the records of a
// channel, the cells of a batch, the predictions of a run, the baseline's columns.
function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function* stream(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  yield* chunks(bytes, size);
}

/** Every record readCsvPlainFirst hands its sink, as strings, and how each came. */
async function sunk(text: string, size: number) {
  const out: { names: readonly string[]; rows: string[][]; plain: number } = {
    names: [],
    rows: [],
    plain: 0,
  };
  await readCsvPlainFirst(
    stream(new TextEncoder().encode(text), size),
    'f',
    (source) => csvRecordsOfStream(source, 'f'),
    (names) => {
      out.names = names;
      return {
        bytes: (buf, bounds) => {
          out.plain++;
          out.rows.push(names.map((_, c) => plainCell(buf, bounds, c)));
        },
        cells: (cells) => out.rows.push([...cells]),
        drain: async () => undefined,
      };
    },
  );
  return out;
}

async function parsed(text: string) {
  const { names, rows } = await csvRecordsOfStream([new TextEncoder().encode(text)], 'f');
  const out: string[][] = [];
  for await (const r of rows) out.push(r);
  return { names, rows: out };
}

const body = Array.from(
  { length: 400 },
  (_, i) => `${i * 0.5},${i % 7 === 0 ? '' : 'NA'},${i % 5 === 0 ? ' pad ' : 'é'}${i}`,
).join('\n');

describe('readCsvPlainFirst', () => {
  for (const size of [1, 7, 64, 1 << 16]) {
    it(`plain, then quoted mid-file: csv-parse's records, plain lines as bytes (chunks of ${size})`, async () => {
      for (const text of [
        `\uFEFF\n a ,b,c\n\n${body}\n\n${body}`,
        `a,b,c\n${body}\n1,"x,y",3\n${body}\n`,
        `"a",b,c\r\n1,2,3\r\n`,
      ]) {
        const got = await sunk(text, size);
        const expected = await parsed(text);
        expect({ names: got.names, rows: got.rows }).toEqual(expected);
        // Plain lines came as bytes: all of a plain file, the plain head of a mixed one.
        if (!text.includes('"')) expect(got.plain).toBe(expected.rows.length);
        else if (size < 64 && !text.startsWith('"')) expect(got.plain).toBeGreaterThan(300);
      }
    });
  }

  it('a ragged plain row is named by its row', async () => {
    await expect(sunk('a,b\n1,2\n\n3\n', 1 << 16)).rejects.toThrow('f: row 3 has 1 fields, the header has 2');
  });
});

const contract: ModelContract = {
  task: 'classification',
  target: 'y',
  classes: ['a', 'b'],
  features: [
    { name: 'n', type: 'numeric', source: { columns: ['num'] } },
    { name: 'c', type: 'categorical', source: { columns: ['cat'] } },
  ],
} as unknown as ModelContract;

const CELLS = [
  '1.5',
  ' 2 ',
  '',
  'NA',
  ' NaN ',
  '1e3',
  '-.5',
  '+2.',
  '\u00a07',
  'abc',
  '١',
  '0x10',
  '12345678901234567',
];
const CATS = ['red', 'NA', '', ' null ', 'é', ' pad ', '0'];
const LABELS = ['a', 'b', 'NA', '', 'c', ' a'];

describe('FeatureBatch', () => {
  const rows = CELLS.map((n, i) => [n, CATS[i % CATS.length]!, LABELS[i % LABELS.length]!]);
  const names = ['num', 'cat', 'y'];
  const layout = batchLayout(contract, names, true);

  it('reads bytes and string cells as csvRows and scorePredictions read them', () => {
    const fromBytes = new FeatureBatch(layout, rows.length);
    const fromCells = new FeatureBatch(layout, rows.length);
    const bounds = new Int32Array(5);
    for (const row of rows) {
      const line = new TextEncoder().encode(row.join(','));
      let at = 0;
      row.forEach((cell, c) => {
        bounds[c] = at;
        at += new TextEncoder().encode(cell).length + 1;
      });
      bounds[row.length] = at;
      fromBytes.addBytes(line, bounds);
      fromCells.addCells(row);
    }
    // The record path: csvRows of the batch (cells, missing as null) and its target reading.
    const csv = {
      columns: names.map((name, c) => ({
        name,
        values: rows.map((r) => (isMissingCell(r[c]!) ? null : r[c]!)),
      })),
      schema: { rowCount: rows.length },
    } as unknown as ParsedCsv;
    const expected = csvRows(csv, contract);
    for (const batch of [fromBytes, fromCells]) {
      expect(Array.from(batch.columns[0] as Float64Array)).toEqual(expected.map((r) => r.n ?? Number.NaN));
      expect(batch.columns[1]).toEqual(expected.map((r) => r.c));
      expect(Array.from(batch.target)).toEqual(
        csv.columns[2]!.values.map((v) => (v === null ? -1 : ['a', 'b'].indexOf(v))),
      );
    }
    expect(Array.from(fromBytes.columns[0] as Float64Array).filter(Number.isFinite)).toEqual([
      1.5, 2, 1000, -0.5, 2, 7, 12345678901234568,
    ]);
  });

  it('refuses a numeric cell that overflows to Infinity, as encodeRows does', () => {
    const batch = new FeatureBatch(layout, 2);
    expect(() => batch.addCells(['1e999', 'red', 'a'])).toThrow('must be a finite number, got Infinity');
  });

  it('names a feature column the header lacks', () => {
    expect(() => batchLayout(contract, ['num', 'y'], true)).toThrow(
      "features.c: no column 'cat' in the data (columns: num, y)",
    );
  });
});

describe('batchPredictions', () => {
  const label = (values: number[]) =>
    new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [values.length]);
  const probabilities = (rows: number[][]) =>
    new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, rows[0]!.length]);

  /** The record path's reading of the same outputs (scorePredictions' arrays, predictionValue). */
  function recordPath(c: ModelContract, outputs: Record<string, ort.Tensor>, n: number) {
    const predictions = decodeOutputs(c, outputs, n);
    const classes = c.classes ?? [];
    const index = new Map(classes.map((k, i) => [k, i]));
    return {
      yPred: predictions.map((p) =>
        c.task === 'classification' ? (index.get(String(p.label)) ?? -1) : (p.value ?? Number.NaN),
      ),
      probs: Array.from(
        Float64Array.from(predictions.flatMap((p) => classes.map((k) => p.probabilities?.[k] ?? 0))),
      ),
      values: predictions.map(predictionValue),
    };
  }

  const same = (c: ModelContract, outputs: Record<string, ort.Tensor>, n: number) => {
    const got = batchPredictions(c, outputs, n);
    expect({
      yPred: Array.from(got.yPred),
      probs: Array.from(got.probs),
      values: Array.from(got.values),
    }).toEqual(recordPath(c, outputs, n));
  };

  it('classes, out-of-range labels, narrow and prototype-named probability columns', () => {
    for (const classes of [
      ['a', 'b', 'c'],
      ['constructor', '__proto__', 'toString'],
      ['x', 'x', 'y'],
      ['1', '0'],
    ]) {
      const c = { ...contract, classes } as ModelContract;
      const outputs = {
        label: label([0, 2, 1, 5, -1]),
        probabilities: probabilities([
          [0.1, 0.9],
          [0.3, 0.7],
          [1, 0],
          [0.5, 0.5],
          [0.2, 0.8],
        ]),
      };
      same(c, outputs, 5);
      same(c, { label: outputs.label }, 5);
    }
  });

  it('regression values, and output sets it does not read itself', () => {
    const regression = { ...contract, task: 'regression', classes: undefined } as unknown as ModelContract;
    same(
      regression,
      { variable: new ort.Tensor('float32', Float32Array.from([1.5, Number.NaN, -2]), [3, 1]) },
      3,
    );
    const variable = new ort.Tensor('float32', Float32Array.from([0.5, 1, 2]), [3, 1]);
    same(regression, { label: label([1, 0, 1]), variable }, 3);
    same(regression, { label: label([1, 0, 1]) }, 3);
    same(contract, { probabilities: probabilities([[0.5, 0.5]]) }, 1);
  });
});

describe('BaselineProfileBuilder.addColumns', () => {
  it('gives the profile of adding the same rows one by one', () => {
    const features = [
      { name: 'n', type: 'numeric' as const },
      { name: 'c', type: 'categorical' as const },
    ];
    const n = Float64Array.from({ length: 7000 }, (_, i) => (i % 13 === 0 ? Number.NaN : Math.sin(i) * 100));
    const c = Array.from({ length: 7000 }, (_, i) => (i % 7 === 0 ? null : `k${i % 5}`));
    const p = Array.from({ length: 7000 }, (_, i) => `p${i % 3}`);
    const rows = new BaselineProfileBuilder({ task: 'classification', seed: 3, features });
    for (let r = 0; r < 7000; r++) rows.add({ n: Number.isNaN(n[r]) ? null : n[r], c: c[r] }, p[r]);
    const columns = new BaselineProfileBuilder({ task: 'classification', seed: 3, features });
    for (let from = 0; from < 7000; from += 1000)
      columns.addColumns(1000, [n.subarray(from), c.slice(from)], p.slice(from));
    expect(columns.finish({}, new Date(0))).toEqual(rows.finish({}, new Date(0)));
  });
});
