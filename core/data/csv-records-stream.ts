import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { ValidationError } from '../errors.js';
import { checkHeader } from './csv.js';
import { isMissingCell } from './infer.js';
import { quote } from './write.js';

export interface CsvRecords {
  /** The header's trimmed names (checked as `parseCsv` checks them). */
  readonly names: readonly string[];
  /** The data records in file order, each with one cell per column (a ragged row throws). */
  readonly rows: AsyncIterable<string[]>;
}

/**
 * Reads a CSV from a stream of chunks record by record, with `parseCsv`'s parser options, so each
 * record holds the same cells `parseCsv` would. Errors (invalid CSV, bad header, ragged row) are
 * ValidationErrors naming `field` and the row, as `parseCsv`'s are.
 */
export async function csvRecordsOfStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  field: string,
): Promise<CsvRecords> {
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, relax_quotes: false });
  // pipeline, not pipe: an error from the source (e.g. a sha256 mismatch at its end) reaches the reader.
  pipeline(Readable.from(source), parser, () => undefined);
  const iterator = (parser as AsyncIterable<string[]>)[Symbol.asyncIterator]();
  const first = await next(iterator, field);
  const names = checkHeader(first.done ? undefined : first.value, field);
  async function* rows(): AsyncGenerator<string[]> {
    for (let row = 2; ; row++) {
      const item = await next(iterator, field);
      if (item.done) return;
      if (item.value.length !== names.length)
        throw new ValidationError(
          `${field}: row ${row} has ${item.value.length} fields, the header has ${names.length}`,
          field,
        );
      yield item.value;
    }
  }
  return { names, rows: rows() };
}

async function next(iterator: AsyncIterator<string[]>, field: string): Promise<IteratorResult<string[]>> {
  try {
    return await iterator.next();
  } catch (error) {
    if (error instanceof CsvError)
      throw new ValidationError(`${field}: not a valid CSV (${error.message.split('\n')[0]})`, field);
    throw error;
  }
}

/** One record as `toCsv` writes it: missing cells empty, cells quoted when needed, then `\n`. */
export function csvLine(cells: readonly string[]): string {
  let line = '';
  for (let c = 0; c < cells.length; c++) {
    const cell = cells[c]!;
    line += (c ? ',' : '') + (isMissingCell(cell) ? '' : quote(cell));
  }
  return `${line}\n`;
}
