import { describe, expect, it } from 'vitest';
import { Utf8Builder } from '../../core/batch/utf8-builder.js';
import { jsonStringBytes } from '../../core/batch/score-batch.js';

describe('Utf8Builder', () => {
  it('gives the bytes Buffer.from gives the joined text, growing past its capacity', () => {
    const pieces = ['a,b\n', 'é', '\u2028', '\ud83d\ude00', '\ud800', 'x'.repeat(40), '€'.repeat(30), ''];
    const builder = new Utf8Builder(8);
    for (const piece of pieces) builder.append(piece);
    builder.appendBytes(Buffer.from([0, 255]));
    const want = Buffer.concat([Buffer.from(pieces.join('')), Buffer.from([0, 255])]);
    expect(builder.length).toBe(want.length);
    expect(builder.take().equals(want)).toBe(true);
  });
});

describe('jsonStringBytes', () => {
  it('is the UTF-8 size of JSON.stringify of the text, plain or not', () => {
    const cases = [
      '',
      'a,b\n1,2\n',
      '1,"x"\n',
      'é\n',
      '\u2028',
      '\t\n',
      'a\\b',
      '\u007f',
      '\n\n\n',
      'x'.repeat(999),
    ];
    for (const text of cases) expect(jsonStringBytes(text)).toBe(Buffer.byteLength(JSON.stringify(text)));
  });
});
