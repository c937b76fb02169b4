import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvSchemaOfStream, MAX_TRACKED_DISTINCT } from '../../core/data/csv-schema-stream.js';
import { parseCsv } from '../../core/data/csv.js';

/** The bytes cut into `size`-byte chunks, as a network stream delivers them (cells split across chunks). */
function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const encode = (text: string) => new TextEncoder().encode(text);

describe('csvSchemaOfStream', () => {
  it.each(['iris', 'wine', 'diabetes', 'reviews', 'breast_cancer'])(
    "gives parseCsv's schema of the built-in %s from 7-byte chunks",
    async (name) => {
      const bytes = readFileSync(new URL(`../../datasets/${name}.csv`, import.meta.url));
      expect(await csvSchemaOfStream(chunks(bytes, 7))).toEqual(parseCsv(bytes).schema);
    },
  );

  it('counts missing cells and infers categorical, text and numeric columns as parseCsv does', async () => {
    const rows = Array.from(
      { length: 40 },
      (_, i) => `${i % 3 === 0 ? 'NA' : i},${['a', 'b'][i % 2]},"the note number ${i}, with words"`,
    );
    const csv = encode(`x,c,note\n${rows.join('\n')}\n`);
    const schema = await csvSchemaOfStream(chunks(csv, 5));
    expect(schema).toEqual(parseCsv(csv).schema);
    expect(schema.columns.map((c) => [c.type, c.missing])).toEqual([
      ['numeric', 14],
      ['categorical', 0],
      ['text', 0],
    ]);
  });

  it('judges a column with more distinct labels than it tracks by the share seen, as parseCsv would', async () => {
    const n = 2 * MAX_TRACKED_DISTINCT + 500;
    const lines = Array.from({ length: n }, (_, i) => `${i},word ${i} and more`);
    const csv = encode(`id,label\n${lines.join('\n')}\n`);
    const schema = await csvSchemaOfStream([csv]);
    expect(schema.columns[1]?.type).toBe('text');
    expect(schema).toEqual(parseCsv(csv).schema);
  });

  it('names the row of a ragged line, of a stray word in a numeric column, and an empty file', async () => {
    await expect(csvSchemaOfStream([encode('a,b\n1,2\n3\n')])).rejects.toThrow(
      'csv: row 3 has 1 fields, the header has 2',
    );
    const numbers = Array.from({ length: 120 }, (_, i) => `${i},${i}`);
    numbers[11] = '11,eleven';
    await expect(csvSchemaOfStream([encode(`a,b\n${numbers.join('\n')}\n`)])).rejects.toThrow(
      "b: column is numeric but row 13 holds 'eleven'",
    );
    await expect(csvSchemaOfStream([], { field: 'upload' })).rejects.toThrow('upload: the file is empty');
    await expect(csvSchemaOfStream([encode('a,b\n"1,2\n')])).rejects.toThrow('csv: not a valid CSV');
  });
});
