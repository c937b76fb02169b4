/**
 * A CSV record as Step Functions' ItemReader gives it (`{header: value}`, every value a string),
 * kept as its raw line until something needs the object. JSON.stringify gives exactly the
 * object's JSON (toJSON), and `jsonBytes` its UTF-8 size without building it. The local runtime
 * hands these to batch children instead of a million objects of 20 strings; a handler that reads
 * properties calls `csvValues` (the JSON round trip on AWS gives the same plain object).
 */
export class CsvRow {
  constructor(
    readonly header: CsvHeader,
    /** The record's text: no quote, no backslash, no control or non-ASCII character; one field per name. */
    readonly line: string,
  ) {}

  /** The plain object, as JSON.stringify and AWS see it. */
  toJSON(): Record<string, string> {
    return this.header.object(this.line.split(','));
  }

  /** `Buffer.byteLength(JSON.stringify(this))`: the fixed key bytes plus the line's own length. */
  get jsonBytes(): number {
    return this.header.fixedBytes + this.line.length;
  }

  /** One field's value by column name, as the object's property (undefined when no such column). */
  field(name: string): string | undefined {
    const j = this.header.index.get(name);
    if (j === undefined) return undefined;
    let start = 0;
    for (let k = 0; k < j; k++) start = this.line.indexOf(',', start) + 1;
    const end = this.line.indexOf(',', start);
    return this.line.slice(start, end === -1 ? undefined : end);
  }
}

/**
 * A CSV header shared by the rows of one object. `row(line)` is a CsvRow when the line can stay
 * raw (plain ASCII, exactly one field per name), else undefined: the reader builds the object.
 */
export class CsvHeader {
  readonly index: ReadonlyMap<string, number>;
  /** JSON bytes of `{"name":"",...}` with empty values: braces, keys, colons, quotes, commas. */
  readonly fixedBytes: number;
  /** Builds the object from one field per name, as an object literal (one V8 shape for all rows). */
  readonly object: (fields: string[]) => Record<string, string>;
  private readonly plain: RegExp;

  private constructor(readonly names: readonly string[]) {
    this.index = new Map(names.map((name, j) => [name, j]));
    let keys = 0;
    for (const name of names) keys += Buffer.byteLength(JSON.stringify(name));
    // 2 braces; per field: key, colon, two quotes. The commas between fields are the line's own.
    this.fixedBytes = 2 + keys + 3 * names.length;
    const body = names.map((name, j) => `${JSON.stringify(name)}: f[${j}]`).join(', ');
    this.object = new Function('f', `return { ${body} };`) as (fields: string[]) => Record<string, string>;
    // One native regular expression test per line: exactly one plain field per name.
    this.plain = new RegExp(`^${PLAIN_FIELD}(?:,${PLAIN_FIELD}){${names.length - 1}}$`);
  }

  /**
   * The header for these names, or undefined when a row could not be a plain object literal of
   * them (a repeated name or `__proto__`: assignment and a literal would differ).
   */
  static of(names: readonly string[]): CsvHeader | undefined {
    if (names.length === 0 || new Set(names).size !== names.length || names.includes('__proto__'))
      return undefined;
    return new CsvHeader(names);
  }

  /** The line as a raw row, or undefined when it must be parsed into an object (see CsvRow.line). */
  row(line: string): CsvRow | undefined {
    return this.plain.test(line) ? new CsvRow(this, line) : undefined;
  }
}

/** One field of a raw row: printable ASCII but the comma, the quote and the backslash. */
const PLAIN_FIELD = String.raw`[^,"\\\x00-\x1f\x7f-\uffff]*`;

/** A row's values as a plain object: a CsvRow materialized, anything else as it is. */
export function csvValues(values: unknown): unknown {
  return values instanceof CsvRow ? values.toJSON() : values;
}

/** One property of a row's values (a CsvRow's field by name, else the property). */
export function fieldOf(values: Record<string, unknown>, name: string): unknown {
  return values instanceof CsvRow ? values.field(name) : values[name];
}
