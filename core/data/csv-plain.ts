/**
 * The fast path of reading a CSV: a file with no quote and no carriage return is read by
 * splitting lines on '\n' and cells on ',' straight from the bytes (csv-parse, with parseCsv's
 * options, reads such a file the same way), and numeric cells are parsed without making a string.
 */

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const RETURN = 0x0d;

/** Bytes a JS `trim()` removes that may sit in a plain cell: tab, vertical tab, form feed, space. */
function isBlank(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0b || b === 0x0c;
}

const isDigit = (b: number) => b >= 0x30 && b <= 0x39;

/** Powers of ten a double holds exactly. */
const EXACT_POWERS = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `parseNumberCell` on an ASCII cell's bytes: the number, NaN for a blank (missing) cell, or
 * undefined when the cell is not a plain number (the caller then reads it as a string). Up to 15
 * significant digits and a power of ten up to 22 are one exact operation (correctly rounded, as
 * Number() is); longer cells go through Number().
 */
export function plainNumber(buf: Uint8Array, start: number, end: number): number | undefined {
  let s = start;
  let e = end;
  while (s < e && isBlank(buf[s])) s++;
  while (e > s && isBlank(buf[e - 1])) e--;
  if (s === e) return Number.NaN;
  let i = s;
  const negative = buf[i] === 0x2d;
  if (negative || buf[i] === 0x2b) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  for (; i < e; i++, digits++) {
    const d = buf[i] - 0x30;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
  }
  if (i < e && buf[i] === 0x2e) {
    const from = ++i;
    for (; i < e; i++) {
      const d = buf[i] - 0x30;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
    }
    scale = i - from;
    digits += scale;
  }
  if (digits === 0) return undefined;
  let exponent = 0;
  let exponentDigits = 0;
  if (i < e && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    const minus = buf[i] === 0x2d;
    if (minus || buf[i] === 0x2b) i++;
    for (; i < e && isDigit(buf[i]); i++, exponentDigits++) exponent = exponent * 10 + (buf[i] - 0x30);
    if (exponentDigits === 0) return undefined;
    if (minus) exponent = -exponent;
  }
  if (i !== e) return undefined;
  const power = exponent - scale;
  // More than 15 significant digits exactly when mantissa >= 1e15: it is exact below 2^53 and
  // only grows past it.
  if (mantissa >= 1e15 || exponentDigits > 4 || power > 22 || power < -22)
    return Number(Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('latin1'));
  const value = power < 0 ? mantissa / EXACT_POWERS[-power] : mantissa * EXACT_POWERS[power];
  return negative ? -value : value;
}

/** Whether bytes hold a character only a full CSV parser reads right (a quote or a '\r'). */
export function needsFullParser(chunk: Uint8Array): boolean {
  return chunk.indexOf(QUOTE) >= 0 || chunk.indexOf(RETURN) >= 0;
}

/** Receives the lines of a plain CSV: the header's cells, then each record's cell bounds. */
export interface PlainSink {
  header(cells: string[]): void;
  /** `bounds[c]..bounds[c+1]-1` is cell c (bounds[c+1] is its comma or line end); `count` cells. */
  record(buf: Uint8Array, bounds: Int32Array, count: number): void;
}

/**
 * Splits plain CSV chunks into lines and cells; returns false (having read part of the file)
 * at the first chunk that needs the full parser. Empty lines are skipped, a leading BOM dropped.
 */
export function readPlain(chunks: Iterable<Uint8Array>, sink: PlainSink, columns: () => number): boolean {
  let carry: Uint8Array | undefined;
  let first = true;
  let headerDone = false;
  let bounds = new Int32Array(64);
  const line = (buf: Uint8Array, from: number, to: number) => {
    if (from === to) return;
    if (!headerDone) {
      headerDone = true;
      sink.header(
        Buffer.from(buf.buffer, buf.byteOffset + from, to - from)
          .toString('utf8')
          .split(','),
      );
      bounds = new Int32Array(columns() + 2);
      return;
    }
    sink.record(buf, bounds, plainCellBounds(buf, from, to, bounds));
  };
  for (const chunk of chunks) {
    if (needsFullParser(chunk)) return false;
    let buf: Uint8Array = carry ? Buffer.concat([carry, chunk]) : chunk;
    if (first && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
      buf = buf.subarray(3);
    else if (first && buf.length < 3) {
      carry = buf;
      continue;
    }
    first = false;
    let pos = 0;
    for (let nl = buf.indexOf(NEWLINE, pos); nl >= 0; nl = buf.indexOf(NEWLINE, pos)) {
      line(buf, pos, nl);
      pos = nl + 1;
    }
    carry = pos < buf.length ? buf.subarray(pos) : undefined;
  }
  if (carry) {
    let buf = carry;
    if (first && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
      buf = buf.subarray(3);
    line(buf, 0, buf.length);
  }
  return true;
}

/**
 * The cells of a plain line `buf[from..to)`: cell c is bounds[c]..bounds[c+1]-1 (cells past
 * `bounds`' room are counted, not placed). Returns the cell count.
 */
export function plainCellBounds(buf: Uint8Array, from: number, to: number, bounds: Int32Array): number {
  let count = 0;
  bounds[0] = from;
  for (let i = from; i < to; i++) {
    if (buf[i] !== COMMA) continue;
    count++;
    if (count < bounds.length - 1) bounds[count] = i + 1;
  }
  count++;
  if (count < bounds.length) bounds[count] = to + 1;
  return count;
}
