import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvColumns, type TypedCsv } from '../../core/data/csv-columns.js';
import { csvChunks, fileChunks } from '../../training/channel.js';

const dir = mkdtempSync(join(tmpdir(), 'cirrus-channel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Columns as plain arrays, to compare two reads. */
const view = (csv: TypedCsv) =>
  csv.columns.map((c) => ({
    name: c.name,
    type: c.type,
    numbers: c.numbers && Array.from(c.numbers),
    strings: c.strings && Array.from(c.strings.codes, (k) => (k < 0 ? '' : c.strings?.dictionary[k])),
  }));

/** A CSV of several megabytes whose lines cross the reader's 1 MiB chunk boundaries. */
function bigCsv(quoted: boolean): string {
  const lines = ['x,y,label'];
  for (let i = 0; i < 160_000; i++) {
    const label = quoted && i % 1000 === 7 ? '"a, b"' : `w${i % 13}`;
    lines.push(`${(i * 0.37).toFixed(i % 5)},${i % 17 === 0 ? '' : -i},${label}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('channel files', () => {
  for (const quoted of [false, true]) {
    it(`reads a file of several chunks as its bytes read whole (${quoted ? 'full parser' : 'plain path'})`, () => {
      const text = bigCsv(quoted);
      const path = join(dir, `data-${quoted}.csv`);
      writeFileSync(path, text);
      expect(text.length).toBeGreaterThan(2.5 * 2 ** 20);
      const fromFile = readCsvColumns(csvChunks({ path }), { keepStrings: ['label'] });
      const whole = readCsvColumns(csvChunks(text), { keepStrings: ['label'] });
      expect(fromFile.rowCount).toBe(160_000);
      expect(view(fromFile)).toEqual(view(whole));
    });
  }

  it('cuts chunks after their last line end, growing for a line longer than a chunk', () => {
    const text = `a,b\n1,2\n${'7'.repeat(40)},3\n4,5\n6,7`;
    const path = join(dir, 'long-line.csv');
    writeFileSync(path, text);
    // Decoded as they come: a chunk's buffer is reused two chunks later.
    const chunks = Array.from(fileChunks(path, 8), (c) => Buffer.from(c).toString('utf8'));
    expect(chunks.join('')).toBe(text);
    expect(chunks.slice(0, -1).every((c) => c.endsWith('\n'))).toBe(true);
    expect(chunks[0]).toBe('a,b\n1,2\n');
    expect(chunks.some((c) => c.startsWith(`${'7'.repeat(40)},3\n`))).toBe(true);
    expect(chunks.at(-1)).toBe('6,7');
  });
});
