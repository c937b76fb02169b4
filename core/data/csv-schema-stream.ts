import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import type { DatasetSchema, DatasetValueCounts } from '../../contracts/dataset-schema.js';
import type { FeatureType } from '../../contracts/model-contract.js';
import { ValidationError } from '../errors.js';
import { checkHeader } from './csv.js';
import { isMissingCell, parseNumberCell } from './infer.js';

/**
 * Distinct values kept per column to tell text from categorical. Past it, the share of distinct
 * values seen so far stands for the whole column (a column of that many labels is not a category).
 */
export const MAX_TRACKED_DISTINCT = 10_000;
/** Most distinct present values a column may have for its value counts to be kept (a class column). */
export const MAX_COUNTED_VALUES = 1_000;
/** Most value counts kept over all columns, so a wide file's values.json stays small. */
export const MAX_COUNTED_TOTAL = 100_000;

/** What one column's cells add up to, kept in constant memory per column. */
class ColumnStats {
  missing = 0;
  numbers = 0;
  others = 0;
  lengthSum = 0;
  firstOther: { row: number; value: string } | undefined;
  /** Each distinct present cell with its count, until MAX_TRACKED_DISTINCT (then dropped). */
  distinct: Map<string, number> | undefined = new Map();
  /** Present cells when `distinct` overflowed (then it is dropped). */
  presentAtOverflow = 0;
  withSpaces = 0;

  add(cell: string, row: number): void {
    if (isMissingCell(cell)) {
      this.missing++;
      return;
    }
    if (parseNumberCell(cell) === undefined) {
      this.others++;
      this.firstOther ??= { row, value: cell };
    } else this.numbers++;
    this.lengthSum += cell.length;
    const distinct = this.distinct;
    if (!distinct) return;
    const seen = distinct.get(cell);
    if (seen !== undefined) {
      distinct.set(cell, seen + 1);
      return;
    }
    distinct.set(cell, 1);
    if (/\s/.test(cell.trim())) this.withSpaces++;
    if (distinct.size >= MAX_TRACKED_DISTINCT) {
      this.presentAtOverflow = this.numbers + this.others;
      this.distinct = undefined;
    }
  }

  /** The rules of `inferColumnType`, on counts instead of the values themselves. */
  type(): FeatureType {
    const present = this.numbers + this.others;
    if (this.others === 0) return 'numeric';
    if (this.lengthSum / present > 20) return 'text';
    const seen = this.distinct?.size ?? MAX_TRACKED_DISTINCT;
    const manyDistinct = this.distinct ? seen > 0.5 * present : seen > 0.5 * this.presentAtOverflow;
    return present >= 10 && manyDistinct && this.withSpaces > 0.5 * seen ? 'text' : 'categorical';
  }

  /** A numeric column with a stray few bad cells (`looksNumeric` in csv.ts) names its first one. */
  check(name: string): void {
    const { numbers, others, firstOther } = this;
    if (firstOther && numbers >= 20 && others <= 0.01 * (numbers + others))
      throw new ValidationError(
        `${name}: column is numeric but row ${firstOther.row} holds '${firstOther.value.slice(0, 40)}'`,
        name,
      );
  }
}

export interface CsvSchemaStreamOptions {
  /** Field name in error messages. Default `csv`. */
  readonly field?: string;
}

/**
 * The schema `parseCsv` gives (header, column types, missing counts, row count, sha256, bytes),
 * computed from a stream of chunks without holding the file: each row is counted and dropped.
 * Errors name the field and the row, as `parseCsv`'s do.
 */
export async function csvSchemaOfStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CsvSchemaStreamOptions = {},
): Promise<DatasetSchema> {
  return (await csvProfileOfStream(source, options)).schema;
}

/**
 * The schema, and the value counts of the columns with at most MAX_COUNTED_VALUES distinct
 * present values (the cells `csvRecordsOfStream` gives, missing ones not counted), in one read.
 */
export async function csvProfileOfStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CsvSchemaStreamOptions = {},
): Promise<{ schema: DatasetSchema; values: DatasetValueCounts }> {
  const field = options.field ?? 'csv';
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: false });
  let names: string[] | undefined;
  let stats: ColumnStats[] = [];
  let rows = 0;
  const consume = async (records: AsyncIterable<string[]>) => {
    for await (const record of records) {
      if (!names) {
        names = checkHeader(record, field);
        stats = names.map(() => new ColumnStats());
        continue;
      }
      rows++;
      if (record.length !== names.length)
        throw new ValidationError(
          `${field}: row ${rows + 1} has ${record.length} fields, the header has ${names.length}`,
          field,
        );
      for (let c = 0; c < record.length; c++) stats[c]!.add(record[c]!, rows + 1);
    }
  };
  try {
    await pipeline(Readable.from(source), tap, parser, consume);
  } catch (error) {
    if (error instanceof CsvError)
      throw new ValidationError(`${field}: not a valid CSV (${error.message.split('\n')[0]})`, field);
    throw error;
  }
  const header = checkHeader(names, field);
  header.forEach((name, c) => stats[c]!.check(name));
  const schema: DatasetSchema = {
    kind: 'cirrus.dataset-schema',
    schemaVersion: 1,
    columns: header.map((name, c) => ({ name, type: stats[c]!.type(), missing: stats[c]!.missing })),
    rowCount: rows,
    sha256: hash.digest('hex'),
    bytes,
  };
  return { schema, values: valueCounts(header, stats) };
}

/** Counted columns in header order, while their total stays within MAX_COUNTED_TOTAL. */
function valueCounts(header: readonly string[], stats: readonly ColumnStats[]): DatasetValueCounts {
  const columns: DatasetValueCounts['columns'] = [];
  const uncounted: string[] = [];
  let total = 0;
  header.forEach((name, c) => {
    const distinct = stats[c]!.distinct;
    if (!distinct || distinct.size > MAX_COUNTED_VALUES) return;
    if (total + distinct.size > MAX_COUNTED_TOTAL) {
      uncounted.push(name);
      return;
    }
    total += distinct.size;
    columns.push({ name, values: [...distinct] });
  });
  return {
    kind: 'cirrus.dataset-values',
    schemaVersion: 1,
    maxValues: MAX_COUNTED_VALUES,
    columns,
    uncounted,
  };
}
