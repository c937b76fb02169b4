import { describe, expect, it } from 'vitest';
import { csvRecordsPlainFirst } from '../../core/data/csv-plain-stream.js';
import { csvRecordsOfStream, isMissingCell, parseNumberCell } from '../../core/data/index.js';
import { numberCell } from '../../core/pipeline/score-csv.js';
import { notMissing } from '../../core/pipeline/score-stream.js';

// Evaluate's reader of a channel: the same records csv-parse gives, from the bytes while the
// file is plain, through csv-parse once it is not; chunk boundaries anywhere.
function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function records(read: Promise<{ names: readonly string[]; rows: AsyncIterable<string[]> }>) {
  const { names, rows } = await read;
  const out: string[][] = [];
  for await (const r of rows) out.push(r);
  return { names, out };
}

async function compare(text: string, size: number) {
  const bytes = new TextEncoder().encode(text);
  const expected = await records(csvRecordsOfStream(chunks(bytes, size), 'f'));
  const plain = csvRecordsPlainFirst(
    (async function* () {
      yield* chunks(bytes, size);
    })(),
    'f',
    (source) => csvRecordsOfStream(source, 'f'),
  );
  expect(await records(plain)).toEqual(expected);
}

const body = Array.from(
  { length: 400 },
  (_, i) => `${i * 0.5},${i % 7 === 0 ? '' : 'NA'},${i % 5 === 0 ? ' pad ' : 'é'}${i}`,
).join('\n');

describe('csvRecordsPlainFirst', () => {
  for (const size of [1, 2, 7, 64, 1 << 16]) {
    it(`plain, BOM, empty lines, no final newline: same records as csv-parse (chunks of ${size})`, async () => {
      await compare(`\uFEFF\n a ,b,c\n\n${body}\n\n${body}`, size);
    });
    it(`a quote or CR after the header: the rest through csv-parse, same records (chunks of ${size})`, async () => {
      await compare(`a,b,c\n${body}\n1,"x,y",3\r\n${body}\n`, size);
      await compare(`"a",b,c\n${body}\n`, size);
    });
  }

  it('a ragged plain row is named by its row', async () => {
    const read = csvRecordsPlainFirst(
      (async function* () {
        yield new TextEncoder().encode('a,b\n1,2\n\n3\n');
      })(),
      'f',
      (source) => csvRecordsOfStream(source, 'f'),
    );
    await expect(records(read)).rejects.toThrow('f: row 3 has 1 fields, the header has 2');
  });
});

describe('numberCell (Evaluate reading numeric features)', () => {
  it('is parseNumberCell on every cell', () => {
    const cells = [
      '1',
      '-1',
      '+.5',
      '.',
      '-',
      '+',
      '1.',
      '.5',
      '1.2.3',
      ' 1',
      '1 ',
      '1e5',
      '-2E-3',
      '0x10',
      '',
      'NaN',
    ];
    cells.push('007', '-0', '1_0', 'Infinity', '--1', '+-1', '١', '12345678901234567890.5', 'é');
    for (let i = 0; i < 2000; i++) cells.push((Math.sin(i) * 10 ** (i % 12)).toFixed(i % 9));
    for (const cell of cells) expect([cell, numberCell(cell)]).toEqual([cell, parseNumberCell(cell)]);
  });
});

describe('notMissing (Evaluate reading channel cells)', () => {
  it('is !isMissingCell on every cell', () => {
    const cells = [
      '',
      ' ',
      'NA',
      ' NA ',
      'N/A',
      'NaN',
      'nan',
      'null',
      'NULL',
      'Na',
      '0',
      '9',
      '1.5',
      '-1',
      'x',
      ' 1',
    ];
    for (const cell of cells) expect([cell, notMissing(cell)]).toEqual([cell, !isMissingCell(cell)]);
  });
});
