import type { SplitStrategy } from '../../contracts/training-request.js';
import {
  type ArtifactWriter,
  createArtifactWriter,
  type GetArtifactInput,
  readArtifactStream,
} from '../artifacts/index.js';
import { csvLine, csvRecordsOfStream, isMissingCell, splitRows, stratifiedRanks } from '../data/index.js';
import { checkHeader } from '../data/csv.js';
import { plainCellBounds } from '../data/csv-plain.js';
import { isCleanPlainLine, plainCell, readPlainLines } from '../data/csv-plain-stream.js';
import { quote } from '../data/write.js';
import type { CoreDeps } from '../deps.js';
import { ValidationError } from '../errors.js';

export interface StreamingSplitInput {
  readonly source: GetArtifactInput;
  readonly strategy: SplitStrategy;
  readonly testSize: number;
  readonly seed: number;
  /** The label column, read for a stratified split. */
  readonly target?: string;
  readonly keys: { readonly train: string; readonly test: string };
  /**
   * What the dataset's registration recorded: its row count and, for a stratified split, the
   * target's count per label ('' for missing). With it the split reads the dataset once.
   */
  readonly recorded?: { readonly rows: number; readonly labels?: ReadonlyMap<string, number> };
}

const FIELD = 'dataset';

/**
 * Splits a dataset into train/test CSV objects, byte for byte what
 * `toCsv(parseCsv(…).columns, splitRows(…))` gives. Pass 1 counts rows (and keeps the interned
 * labels a stratified split needs); it is skipped when the counts were `recorded`. The last pass
 * routes each record to its object's streaming upload. Memory is the labels (or a byte per row)
 * plus one part per object, never the dataset.
 */
export async function splitDatasetStreaming(
  deps: CoreDeps,
  input: StreamingSplitInput,
): Promise<{ rows: { train: number; test: number } }> {
  const stratified = input.strategy === 'stratified';
  const recorded = input.recorded;
  if (recorded && stratified && recorded.labels && input.target !== undefined) {
    const split = stratifiedRanks(recorded.labels, input.testSize, input.seed);
    await routeRecords(deps, input, recorded.rows, labelRouter(input.target, split.inTest));
    return { rows: split.rows };
  }
  const { count, labels } =
    recorded && !stratified ? { count: recorded.rows, labels: undefined } : await readLabels(deps, input);
  const split = splitRows(count, {
    strategy: input.strategy,
    testSize: input.testSize,
    seed: input.seed,
    labels,
  });
  const inTest = new Uint8Array(count);
  for (const r of split.test) inTest[r] = 1;
  await routeRecords(deps, input, count, () => (r) => inTest[r]!);
  return { rows: { train: split.train.length, test: split.test.length } };
}

/** Which object (0 train, 1 test) row `r` goes to; `cell(c)` reads its field c. Given the header's names. */
type Router = (names: readonly string[]) => (r: number, cell: (c: number) => string) => number;

/** Routes by each label's in-class rank (`stratifiedRanks`); a label or rank it lacks means the file changed. */
function labelRouter(target: string, inTest: ReadonlyMap<string, Uint8Array>): Router {
  return (names) => {
    const column = targetIndex(names, target);
    const seen = new Map<string, number>();
    return (_r, cellAt) => {
      const cell = cellAt(column);
      const label = isMissingCell(cell) ? '' : cell;
      const rank = seen.get(label) ?? 0;
      seen.set(label, rank + 1);
      const marks = inTest.get(label);
      if (!marks || rank >= marks.length) throw changed();
      return marks[rank]!;
    };
  };
}

/**
 * The routing pass: `count` records, each written to the object its router names. A plain file
 * (no quote, no '\r') is split from its bytes; at its first chunk that is not plain, the pass
 * starts over through csv-parse (the uploads are dropped first, so nothing is written twice).
 */
async function routeRecords(
  deps: CoreDeps,
  input: StreamingSplitInput,
  count: number,
  router: Router,
): Promise<void> {
  const open = () =>
    [input.keys.train, input.keys.test].map((key) =>
      createArtifactWriter(deps, { key, contentType: 'text/csv' }),
    ) as [ArtifactWriter, ArtifactWriter];
  let writers = open();
  const source = firstChunkReplay(readArtifactStream(deps, input.source));
  try {
    if (!(await routePlain(source.once, writers, count, router))) {
      await Promise.all(writers.map((w) => w.abort()));
      writers = open();
      await routeParsed(source.rest() ?? readArtifactStream(deps, input.source), writers, count, router);
    }
    await Promise.all(writers.map((w) => w.end()));
  } catch (error) {
    await Promise.all(writers.map((w) => w.abort()));
    throw error;
  } finally {
    await source.close();
  }
}

/**
 * One read of `source` that a second reader can take over when the first stops after its first
 * chunk (a file that is not plain from its start is then read once); `rest` is undefined later.
 */
function firstChunkReplay(source: AsyncIterable<Uint8Array>) {
  const iterator = source[Symbol.asyncIterator]();
  let chunks = 0;
  let first: Uint8Array | undefined;
  let handedOver = false;
  const once: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        const item = await iterator.next();
        if (!item.done && chunks++ === 0) first = item.value;
        return item;
      },
      // Stopping early leaves the read open for `rest`; `close` ends it.
      return: async () => ({ done: true, value: undefined }),
    }),
  };
  async function* replay(head: Uint8Array): AsyncGenerator<Uint8Array> {
    yield head;
    for (let item = await iterator.next(); !item.done; item = await iterator.next()) yield item.value;
  }
  return {
    once,
    rest: () => (chunks === 1 && first ? ((handedOver = true), replay(first)) : undefined),
    close: async () => {
      if (!handedOver) await iterator.return?.();
    },
  };
}

async function routeParsed(
  source: AsyncIterable<Uint8Array>,
  writers: readonly ArtifactWriter[],
  count: number,
  router: Router,
): Promise<void> {
  const { names, rows } = await csvRecordsOfStream(source, FIELD);
  const header = `${names.map(quote).join(',')}\n`;
  const route = router(names);
  await Promise.all(writers.map((w) => w.write(header)));
  let r = 0;
  for await (const record of rows) {
    if (r >= count) throw changed();
    await writers[route(r++, (c) => record[c]!)]!.write(csvLine(record));
  }
  if (r !== count) throw changed();
}

/**
 * `routeParsed` for a plain file: a line whose cells csvLine would write unchanged is copied as
 * bytes, any other goes through csvLine. Lines are staged per object and written per chunk.
 * Returns false when the file is not plain.
 */
async function routePlain(
  source: AsyncIterable<Uint8Array>,
  writers: readonly ArtifactWriter[],
  count: number,
  router: Router,
): Promise<boolean> {
  const staged = writers.map(() => new LineStage());
  let names: readonly string[] | undefined;
  let route: ReturnType<Router> = () => 0;
  let bounds = new Int32Array(2);
  let r = 0;
  const onHeader = (buf: Uint8Array, from: number, to: number) => {
    const cells = Buffer.from(buf.buffer, buf.byteOffset + from, to - from)
      .toString('utf8')
      .split(',');
    names = checkHeader(cells, FIELD);
    route = router(names);
    bounds = new Int32Array(names.length + 2);
    const header = `${names.map(quote).join(',')}\n`;
    for (const stage of staged) stage.text(header);
  };
  const plain = await readPlainLines(source, {
    line(buf, from, to) {
      if (names === undefined) return onHeader(buf, from, to);
      const cells = plainCellBounds(buf, from, to, bounds);
      if (cells !== names.length)
        throw new ValidationError(
          `${FIELD}: row ${r + 2} has ${cells} fields, the header has ${names.length}`,
          FIELD,
        );
      if (r >= count) throw changed();
      const stage = staged[route(r++, (c) => plainCell(buf, bounds, c))]!;
      if (isCleanPlainLine(buf, bounds, cells)) stage.bytes(buf, from, to);
      else stage.text(csvLine(Array.from({ length: cells }, (_, c) => plainCell(buf, bounds, c))));
    },
    async drain() {
      await Promise.all(staged.map((stage, i) => stage.flush(writers[i]!)));
    },
  });
  if (!plain) return false;
  if (names === undefined) checkHeader(undefined, FIELD);
  if (r !== count) throw changed();
  return true;
}

/** Lines bound for one object, gathered as bytes and handed to its writer in one piece. */
class LineStage {
  private buf = Buffer.allocUnsafe(1 << 16);
  private used = 0;

  bytes(src: Uint8Array, from: number, to: number): void {
    this.reserve(to - from + 1);
    this.buf.set(src.subarray(from, to), this.used);
    this.used += to - from;
    this.buf[this.used++] = 0x0a;
  }

  text(line: string): void {
    this.reserve(Buffer.byteLength(line, 'utf8'));
    this.used += this.buf.write(line, this.used, 'utf8');
  }

  async flush(writer: ArtifactWriter): Promise<void> {
    if (this.used === 0) return;
    const out = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.used = 0;
    await writer.write(out);
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + bytes));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}

const changed = () => new ValidationError(`${FIELD}: its rows changed between the two reads`, FIELD);

/** Pass 1: the row count, and for a stratified split each row's label ('' when missing), interned. */
async function readLabels(
  deps: CoreDeps,
  input: StreamingSplitInput,
): Promise<{ count: number; labels?: string[] }> {
  const { names, rows } = await csvRecordsOfStream(readArtifactStream(deps, input.source), FIELD);
  const stratified = input.strategy === 'stratified' && input.target !== undefined;
  const column = stratified ? targetIndex(names, input.target ?? '') : -1;
  const labels: string[] = [];
  const interned = new Map<string, string>();
  let count = 0;
  for await (const record of rows) {
    count++;
    if (column < 0) continue;
    const cell = record[column]!;
    const label = isMissingCell(cell) ? '' : cell;
    let kept = interned.get(label);
    if (kept === undefined) interned.set(label, (kept = label));
    labels.push(kept);
  }
  return { count, labels: stratified ? labels : undefined };
}

/** The target's column; the error is `findColumn`'s. */
function targetIndex(names: readonly string[], target: string): number {
  const index = names.indexOf(target);
  if (index < 0)
    throw new ValidationError(
      `target: no column '${target}' in the data (columns: ${names.join(', ')})`,
      'target',
    );
  return index;
}
