import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DatasetSchemaSchema } from '../../contracts/dataset-schema.js';
import { toFloat64 } from '../../core/data/columns.js';
import { parseCsv } from '../../core/data/csv.js';
import { inferColumnType } from '../../core/data/infer.js';
import { toCsv } from '../../core/data/write.js';

describe('parseCsv', () => {
  it('reports the schema of a built-in dataset with the sha256 of its bytes', () => {
    const bytes = readFileSync(new URL('../../datasets/iris.csv', import.meta.url));
    const { columns, schema } = parseCsv(bytes);
    expect(DatasetSchemaSchema.parse(schema)).toEqual(schema);
    expect(schema.rowCount).toBe(150);
    expect(schema.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(columns.map((c) => c.name)).toEqual([
      'sepal length (cm)',
      'sepal width (cm)',
      'petal length (cm)',
      'petal width (cm)',
      'target',
    ]);
    expect(columns.every((c) => c.type === 'numeric')).toBe(true);
  });

  it('keeps missing cells (empty, NA, NaN, null) as missing, not as zero or a category', () => {
    const { columns, schema } = parseCsv('x,c\n1,a\n,NA\nNaN,b\nnull,\n2.5,a\n');
    expect(columns[0].values).toEqual(['1', null, null, null, '2.5']);
    expect(columns[0].type).toBe('numeric');
    expect(Array.from(toFloat64(columns[0]))).toEqual([1, Number.NaN, Number.NaN, Number.NaN, 2.5]);
    expect(columns[1].type).toBe('categorical');
    expect(schema.columns.map((c) => c.missing)).toEqual([3, 2]);
  });

  it('handles quoted fields with commas, quotes and newlines', () => {
    const { columns } = parseCsv('name,note\n"Smith, J","said ""hi""\nthen left"\n');
    expect(columns[0].values).toEqual(['Smith, J']);
    expect(columns[1].values).toEqual(['said "hi"\nthen left']);
  });

  it('round-trips through toCsv byte-for-byte in its cells', () => {
    const text = 'a,b\n1.50,"x, y"\n,z\n';
    const again = parseCsv(toCsv(parseCsv(text).columns));
    expect(again.columns.map((c) => c.values)).toEqual([
      ['1.50', null],
      ['x, y', 'z'],
    ]);
  });

  it.each([
    ['', 'empty'],
    ['1,2\n3,4\n', 'no header'],
    ['a,b\n1,2\n3\n', 'row 3 has 1 fields'],
    ['a,a\n1,2\n', "'a' appears twice"],
  ])('rejects %j with a clear reason (%s)', (text, reason) => {
    expect(() => parseCsv(text, { field: 'train' })).toThrow(reason);
    expect(() => parseCsv(text, { field: 'train' })).toThrow(/^train: /);
  });

  it('rejects text in a column declared numeric, naming the column and the row', () => {
    expect(() => parseCsv('x,y\n1,2\nabc,3\n', { columnTypes: { x: 'numeric' } })).toThrow(
      "x: column is numeric but row 3 holds 'abc'",
    );
  });
});

describe('inferColumnType', () => {
  it('calls numbers numeric, short labels categorical and prose text', () => {
    expect(inferColumnType(['1', '2.5', null, '-3e2'])).toBe('numeric');
    expect(inferColumnType(['red', 'blue', 'red', null])).toBe('categorical');
    expect(
      inferColumnType(['the quick brown fox jumps over the lazy dog', 'a second rather long sentence here']),
    ).toBe('text');
    const tweets = Array.from({ length: 20 }, (_, i) => `hi there ${i}`);
    expect(inferColumnType(tweets)).toBe('text');
    expect(inferColumnType(['1', 'Infinity'])).toBe('categorical');
  });
});
