import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FeatureType } from '../../contracts/model-contract.js';
import { toFloat64, toStrings } from '../../core/data/columns.js';
import { columnNumbers, readCsvColumns, stringCells, type TypedCsv } from '../../core/data/csv-columns.js';
import { parseCsv } from '../../core/data/csv.js';
import { rowBound } from '../../core/data/csv-column-readers.js';

/** The bytes cut into `size`-byte chunks (cells and UTF-8 characters split across chunks). */
const chunked = (bytes: Uint8Array, size: number) => () =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

const encode = (text: string) => new TextEncoder().encode(text);

interface Options {
  readonly columnTypes?: Record<string, FeatureType>;
  readonly keepStrings?: readonly string[];
}

/** Each column as parseCsv gives it: name, type, cells as numbers (numeric) and strings (kept). */
function viewOf(csv: TypedCsv, keep: readonly string[]) {
  return csv.columns.map((c) => {
    const cells = Array.from({ length: csv.rowCount }, (_, r) => r);
    const strings = c.type !== 'numeric' || keep.includes(c.name) ? cells.map(stringCells(c)) : undefined;
    return {
      name: c.name,
      type: c.type,
      numbers: c.type === 'numeric' ? columnNumbers(c) : undefined,
      strings,
    };
  });
}

function expected(bytes: Uint8Array, options: Options) {
  const parsed = parseCsv(bytes, { field: 'train', columnTypes: options.columnTypes });
  const keep = options.keepStrings ?? [];
  return parsed.columns.map((c) => ({
    name: c.name,
    type: c.type,
    numbers: c.type === 'numeric' ? toFloat64(c) : undefined,
    strings: c.type !== 'numeric' || keep.includes(c.name) ? toStrings(c) : undefined,
  }));
}

/** readCsvColumns gives parseCsv's columns and cells, or throws its very message. */
function expectAsParseCsv(bytes: Uint8Array, options: Options = {}, chunk = 7) {
  const keep = options.keepStrings ?? [];
  let want: ReturnType<typeof expected> | Error;
  try {
    want = expected(bytes, options);
  } catch (error) {
    want = error as Error;
  }
  const read = () => readCsvColumns(chunked(bytes, chunk), { field: 'train', ...options });
  if (want instanceof Error) expect(read).toThrow(want.message);
  else expect(viewOf(read(), keep)).toEqual(want);
  return want;
}

describe('readCsvColumns', () => {
  it.each(['iris', 'wine', 'diabetes', 'reviews', 'breast_cancer', 'digits'])(
    "gives parseCsv's columns, types and cells of the built-in %s from 7-byte chunks",
    (name) => {
      const bytes = readFileSync(new URL(`../../datasets/${name}.csv`, import.meta.url));
      const keepStrings = name === 'reviews' ? ['sentiment', 'author'] : ['target'];
      const want = expectAsParseCsv(bytes, { keepStrings }, name === 'digits' ? 4096 : 7);
      expect(want).not.toBeInstanceOf(Error);
    },
  );

  it('reads numbers into Float64Arrays and labels into interned codes', () => {
    const csv = readCsvColumns(() => [encode('x,label\n1.5,a\nNA,b\n-2e3,a\n')], { keepStrings: ['label'] });
    expect(csv.columns[0].numbers).toEqual(Float64Array.from([1.5, Number.NaN, -2000]));
    expect(csv.columns[1].strings).toEqual({ codes: Int32Array.from([0, 1, 0]), dictionary: ['a', 'b'] });
  });

  it('re-reads as strings a column whose numbers end in words (categorical), as parseCsv types it', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i % 5},${i < 25 ? i : `w${i}`},${i % 2}`);
    const bytes = encode(`a,b,y\n${rows.join('\n')}\n`);
    const want = expectAsParseCsv(bytes, { keepStrings: ['y'] }, 5);
    expect(Array.isArray(want) && want.map((c) => c.type)).toEqual(['numeric', 'categorical', 'numeric']);
  });

  it('keeps missing cells, quotes, embedded newlines and multi-byte characters as parseCsv does', () => {
    const bytes = encode('\uFEFFname,note,v\n"Zoë",  "a, b\nc",1\nN/A,,2\n"élan","""q""",NaN\nx,y,3\n\n');
    expectAsParseCsv(bytes, { keepStrings: ['v'] }, 3);
  });

  it('refuses as parseCsv does: a stray word among numbers, a declared numeric column, ragged rows', () => {
    const stray = Array.from({ length: 120 }, (_, i) => `${i === 90 ? 'three' : i},${i % 2}`);
    expect(expectAsParseCsv(encode(`x,y\n${stray.join('\n')}\n`))).toBeInstanceOf(Error);
    const declared = encode('x,y\n1,a\nfour,b\n');
    expect(expectAsParseCsv(declared, { columnTypes: { x: 'numeric' } })).toBeInstanceOf(Error);
    expect(expectAsParseCsv(encode('x,y\n1,a\n2\n3,"b\n'))).toBeInstanceOf(Error);
    expect(expectAsParseCsv(encode('x,y\n1,a\n2\n3,c\n'))).toBeInstanceOf(Error);
    expect(expectAsParseCsv(encode(''))).toBeInstanceOf(Error);
    expect(expectAsParseCsv(encode('1,2\n3,4\n'))).toBeInstanceOf(Error);
    expect(expectAsParseCsv(encode('x,y\n1,2\n'), { columnTypes: { z: 'numeric' } })).toBeInstanceOf(Error);
  });

  it('reads declared types: numbers as categories, a text column, a numeric column kept as strings', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i % 3},word ${i} and more,${i}`);
    const bytes = encode(`code,note,n\n${rows.join('\n')}\n`);
    const columnTypes = { code: 'categorical', n: 'numeric' } as const;
    const want = expectAsParseCsv(bytes, { columnTypes, keepStrings: ['n'] }, 11);
    expect(Array.isArray(want) && want.map((c) => c.type)).toEqual(['categorical', 'text', 'numeric']);
  });

  it('grows its storage past a row bound that is too small (lines ended by a lone \\r)', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${i % 7},w${i % 3}`);
    const bytes = encode(`a,b,c\r${rows.join('\r')}\r`);
    expectAsParseCsv(bytes, {}, 64);
    const csv = readCsvColumns(chunked(bytes, 64));
    expect(csv.rowCount).toBe(5000);
    expect(csv.columns[0].numbers?.[4999]).toBe(4999);
    expect(csv.numeric.data.length).toBe(2 * 5000);
  });

  it('bounds the rows from the line ends: exact for a plain file, never below the rows read', () => {
    const bound = (text: string) => rowBound(chunked(encode(text), 3));
    expect(bound('a,b\n1,2\n3,4\n')).toBe(2);
    expect(bound('a,b\n1,2\n3,4')).toBe(2);
    expect(bound('a,b\r\n1,2\r\n')).toBe(1);
    expect(bound('a,b\n\n1,"x\ny"\n\n')).toBe(4);
    expect(bound('a,b')).toBe(0);
    expect(bound('')).toBe(0);
  });

  it('holds the numeric columns row-major in one block, in file order, sized to the rows', () => {
    const bytes = encode('a,s,b,y\n1,x,2,k\n3,,,k\n\n5,z,6,m\n\n');
    const csv = readCsvColumns(chunked(bytes, 5), { keepStrings: ['y'] });
    expect(csv.numeric.names).toEqual(['a', 'b']);
    expect(Array.from(csv.numeric.data)).toEqual([1, 2, 3, Number.NaN, 5, 6]);
    expect(csv.columns[2].numbers).toEqual(Float64Array.from([2, Number.NaN, 6]));
  });
});

describe('readCsvColumns on plain files (no quotes: read from the bytes)', () => {
  /** A deterministic generator of awkward plain CSVs: numbers of every shape, words, blanks, BOMs. */
  function randomCsv(seed: number): Uint8Array {
    let x = seed;
    const next = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(a: readonly T[]) => a[Math.floor(next() * a.length)];
    const cells = [
      '',
      ' ',
      'NA',
      'nan',
      ' 1.5 ',
      '-0',
      '+.5',
      '1.',
      '.',
      '1e',
      '2E-3',
      '1e0005',
      '-12345678901234567',
      '0.1',
      '3.14159265358979',
      '123456789012.3456',
      '1e22',
      '1e23',
      '4.9e-324',
      '\t7\t',
      'x y',
      'Zoë',
      '\u00a01',
      '--1',
      '0x10',
    ];
    const width = 1 + Math.floor(next() * 4);
    const lines = [Array.from({ length: width }, (_, c) => `c${c}`).join(',')];
    for (let r = 0; r < 40; r++) {
      if (next() < 0.05) lines.push('');
      const numeric = next() < 0.5;
      const n = next() < 0.03 ? width + 1 : width;
      lines.push(
        Array.from({ length: n }, () =>
          numeric && next() < 0.8 ? String((next() - 0.5) * 10 ** Math.floor(next() * 8)) : pick(cells),
        ).join(','),
      );
    }
    return encode(`${seed % 3 === 0 ? '\uFEFF' : ''}${lines.join('\n')}${seed % 2 ? '\n' : ''}`);
  }

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))(
    'random plain file %i reads as parseCsv reads it',
    (seed) => {
      expectAsParseCsv(randomCsv(seed), {}, 1 + (seed % 13));
      expectAsParseCsv(randomCsv(seed), { keepStrings: ['c0'] }, 64);
    },
  );

  it('drops a leading BOM before skipping empty lines, as csv-parse does', () => {
    const want = expectAsParseCsv(encode('\uFEFF\n\nx,y\n1,2\n'), {}, 2);
    expect(Array.isArray(want) && want.map((c) => c.name)).toEqual(['x', 'y']);
  });

  it('parses numeric cells to the very doubles Number() gives', () => {
    const cells = [
      '0.1',
      '-0',
      '1e22',
      '1e-22',
      '123456789012345',
      '1234567890123456',
      '9.999999999999999e-5',
      '0.30000000000000004',
      '7.',
      '.25',
      '+3E+2',
      '1e0300',
      '2.2250738585072014e-308',
    ];
    const csv = readCsvColumns(() => [encode(`x\n${cells.join('\n')}\n`)]);
    expect(Array.from(csv.columns[0].numbers ?? [])).toEqual(cells.map(Number));
    expect(Object.is(csv.columns[0].numbers?.[1], -0)).toBe(true);
  });
});
