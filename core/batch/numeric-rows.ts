import type { ModelContract } from '../../contracts/model-contract.js';
import type { EncodedRows } from '../ml/onnx-io.js';
import { featureNames } from '../ml/onnx-io.js';
import { type CsvHeader, CsvRow } from './csv-row.js';

/**
 * The batch's rows laid out for the input tensor when every feature is numeric and every cell is
 * a plain finite number (a JSON number, or a CSV string that `parseNumberCell` reads as that same
 * number): the common case, with no per-row objects. Undefined as soon as any row is not that
 * plain (a missing feature, an empty or malformed cell, a non-numeric feature): the caller then
 * takes serving's validating path, which names the field and the rule.
 */
export function plainNumericRows(
  contract: ModelContract,
  items: readonly { readonly values: Record<string, unknown> }[],
  csv: boolean,
): EncodedRows | undefined {
  if (contract.features.some((f) => f.type !== 'numeric')) return undefined;
  const names = featureNames(contract);
  const width = names.length;
  const numeric = new Float32Array(items.length * width);
  let header: CsvHeader | undefined;
  let slots: Int32Array | undefined;
  for (let i = 0; i < items.length; i++) {
    const values = items[i].values;
    if (values instanceof CsvRow) {
      if (values.header !== header) {
        header = values.header;
        slots = columnSlots(header, names);
      }
      if (!slots || !lineNumbers(values.line, slots, numeric, i * width)) return undefined;
      continue;
    }
    for (let j = 0; j < width; j++) {
      const n = plainNumber(values[names[j]], csv);
      if (n === undefined) return undefined;
      numeric[i * width + j] = n;
    }
  }
  return { n: items.length, numeric, categorical: [], text: [] };
}

/** Per header column, the feature's place in the row (-1: not a feature); undefined when a feature has no column. */
function columnSlots(header: CsvHeader, names: readonly string[]): Int32Array | undefined {
  const slots = new Int32Array(header.names.length).fill(-1);
  for (let j = 0; j < names.length; j++) {
    const column = header.index.get(names[j]);
    if (column === undefined) return undefined;
    slots[column] = j;
  }
  return slots;
}

/** Reads a raw CSV line's feature cells into `out` at `at`, as plainNumber reads them; false at the first one that is not plain. */
function lineNumbers(line: string, slots: Int32Array, out: Float32Array, at: number): boolean {
  let start = 0;
  for (let column = 0; column < slots.length; column++) {
    let end = line.indexOf(',', start);
    if (end === -1) end = line.length;
    const j = slots[column];
    if (j !== -1) {
      let n = decimalAt(line, start, end);
      if (n !== n) {
        const slow = plainNumber(line.slice(start, end), true);
        if (slow === undefined) return false;
        n = slow;
      }
      out[at + j] = n;
    }
    start = end + 1;
  }
  return true;
}

const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * `Number(text.slice(start, end))` for the common cell `[+-]digits[.digits]` of at most 15
 * digits, without making the string: the digits as an integer (exact below 2^53) divided by an
 * exact power of ten is the correctly rounded value, as Number gives (Clinger's fast path).
 * NaN for any other text (exponent, more digits, spaces...): the caller asks Number.
 */
export function decimalAt(text: string, start: number, end: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 45;
  if (negative || c === 43) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if (c === 46 && fraction < 0) fraction = 0;
    else return Number.NaN;
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  const v = fraction > 0 ? m / POWERS_OF_TEN[fraction] : m;
  return negative ? -v : v;
}

function plainNumber(v: unknown, csv: boolean): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (!csv || typeof v !== 'string' || !numberStart(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Starts with + - . or a digit, and not with a radix prefix (0x 0b 0o) that Number() reads but
 * the CSV number rule refuses. Char codes, not regular expressions: this runs once per cell.
 */
function numberStart(v: string): boolean {
  const c = v.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return false;
  if (c !== 48 || v.length < 2) return true;
  const next = v.charCodeAt(1) | 0x20; // lower case
  return next !== 120 && next !== 98 && next !== 111;
}
