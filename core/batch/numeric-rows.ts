import type { ModelContract } from '../../contracts/model-contract.js';
import type { EncodedRows } from '../ml/onnx-io.js';
import { featureNames } from '../ml/onnx-io.js';

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
  for (let i = 0; i < items.length; i++) {
    const values = items[i].values;
    for (let j = 0; j < width; j++) {
      const n = plainNumber(values[names[j]], csv);
      if (n === undefined) return undefined;
      numeric[i * width + j] = n;
    }
  }
  return { n: items.length, numeric, categorical: [], text: [] };
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
