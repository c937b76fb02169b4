import type { SplitStrategy } from '../../contracts/training-request.js';
import {
  type ArtifactWriter,
  createArtifactWriter,
  type GetArtifactInput,
  readArtifactStream,
} from '../artifacts/index.js';
import { csvLine, csvRecordsOfStream, isMissingCell, splitRows, stratifiedRanks } from '../data/index.js';
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

/** Which object (0 train, 1 test) row `r` with fields `record` goes to; given the header's names. */
type Router = (names: readonly string[]) => (r: number, record: readonly string[]) => number;

/** Routes by each label's in-class rank (`stratifiedRanks`); a label or rank it lacks means the file changed. */
function labelRouter(target: string, inTest: ReadonlyMap<string, Uint8Array>): Router {
  return (names) => {
    const column = targetIndex(names, target);
    const seen = new Map<string, number>();
    return (_r, record) => {
      const cell = record[column]!;
      const label = isMissingCell(cell) ? '' : cell;
      const rank = seen.get(label) ?? 0;
      seen.set(label, rank + 1);
      const marks = inTest.get(label);
      if (!marks || rank >= marks.length) throw changed();
      return marks[rank]!;
    };
  };
}

/** The routing pass: `count` records, each written to the object its router names. */
async function routeRecords(
  deps: CoreDeps,
  input: StreamingSplitInput,
  count: number,
  router: Router,
): Promise<void> {
  const writers = [input.keys.train, input.keys.test].map((key) =>
    createArtifactWriter(deps, { key, contentType: 'text/csv' }),
  ) as [ArtifactWriter, ArtifactWriter];
  try {
    const { names, rows } = await csvRecordsOfStream(readArtifactStream(deps, input.source), FIELD);
    const header = `${names.map(quote).join(',')}\n`;
    const route = router(names);
    await Promise.all(writers.map((w) => w.write(header)));
    let r = 0;
    for await (const record of rows) {
      if (r >= count) throw changed();
      await writers[route(r++, record)]!.write(csvLine(record));
    }
    if (r !== count) throw changed();
    await Promise.all(writers.map((w) => w.end()));
  } catch (error) {
    await Promise.all(writers.map((w) => w.abort()));
    throw error;
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
