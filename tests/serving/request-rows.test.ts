import { describe, expect, it } from 'vitest';
import { CirrusError, PayloadTooLargeError, ValidationError } from '../../core/errors.js';
import { normalizeRequest } from '../../core/serving/request-rows.js';

const names = ['x1', 'color', 'x2'];
const rows = [
  { x1: 1, color: 'red', x2: 2 },
  { x1: 3, color: 'blue', x2: null },
];

function fieldOf(body: unknown, options = {}): string | undefined {
  try {
    normalizeRequest(body, names, options);
  } catch (e) {
    if (e instanceof CirrusError) return e.field ?? e.code;
    throw e;
  }
  throw new Error('expected an error');
}

describe('normalizeRequest', () => {
  it('parses every MLflow scoring format to the same rows', () => {
    const bodies = [
      { instances: rows },
      { instances: rows.map((r) => [r.x1, r.color, r.x2]) },
      { inputs: rows },
      { inputs: rows.map((r) => [r.x1, r.color, r.x2]) },
      { inputs: { x1: [1, 3], color: ['red', 'blue'], x2: [2, null] } },
      { dataframe_records: rows },
      {
        dataframe_split: {
          columns: ['color', 'x2', 'x1'],
          data: [
            ['red', 2, 1],
            ['blue', null, 3],
          ],
        },
      },
    ];
    for (const body of bodies) expect(normalizeRequest(body, names).rows, JSON.stringify(body)).toEqual(rows);
    expect(normalizeRequest({ features: rows[0] }, names).rows).toEqual([rows[0]]);
  });

  it('gives each row its request path', () => {
    expect(normalizeRequest({ instances: rows }, names).pathOf(1)).toBe('instances[1]');
    expect(
      normalizeRequest({ dataframe_split: { columns: names, data: [[1, 'red', 2]] } }, names).pathOf(0),
    ).toBe('dataframe_split.data[0]');
    expect(normalizeRequest({ features: rows[0] }, names).pathOf(0)).toBe('features');
  });

  it('rejects bodies without exactly one format key', () => {
    expect(fieldOf({})).toBe('body');
    expect(fieldOf([1, 2])).toBe('body');
    expect(fieldOf('text')).toBe('body');
    expect(fieldOf({ features: rows[0], instances: rows })).toBe('body');
    expect(fieldOf({ features: rows[0], user: 'u1' })).toBe('user');
    expect(() =>
      normalizeRequest({ features: rows[0], user: 'u1' }, names, { extraKeys: ['user'] }),
    ).not.toThrow();
  });

  it('names wrong shapes and positional length mismatches', () => {
    expect(fieldOf({ features: [1, 2, 3] })).toBe('features');
    expect(fieldOf({ instances: 'x' })).toBe('instances');
    expect(fieldOf({ instances: [[1, 'red']] })).toBe('instances[0]');
    expect(fieldOf({ instances: [] })).toBe('instances');
    expect(fieldOf({ inputs: { x1: [1, 2], color: ['red'] } })).toBe('inputs.color');
    expect(fieldOf({ dataframe_split: { columns: names } })).toBe('dataframe_split.data');
  });

  it('refuses batches above maxRows with 413', () => {
    const big = { instances: Array.from({ length: 100_001 }, () => rows[0]) };
    expect(() => normalizeRequest(big, names)).toThrow(PayloadTooLargeError);
    expect(() => normalizeRequest({ instances: [rows[0], rows[1]] }, names, { maxRows: 1 })).toThrow(
      /at most 1 per request/,
    );
    expect(() => normalizeRequest({ instances: [rows[0]] }, names, { maxRows: 1 })).not.toThrow(
      ValidationError,
    );
  });
});
