import type { SplitStrategy } from '../../contracts/training-request.js';
import {
  type ArtifactWriter,
  createArtifactWriter,
  type GetArtifactInput,
  readArtifactStream,
} from '../artifacts/index.js';
import { csvLine, csvRecordsOfStream, isMissingCell, splitRows } from '../data/index.js';
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
}

const FIELD = 'dataset';

/**
 * Splits a dataset into train/test CSV objects in two streaming passes, byte for byte what
 * `toCsv(parseCsv(…).columns, splitRows(…))` gives: pass 1 counts rows (and keeps the interned
 * labels a stratified split needs), pass 2 routes each record to its object's streaming upload.
 * Memory is the labels plus one part per object, never the dataset.
 */
export async function splitDatasetStreaming(
  deps: CoreDeps,
  input: StreamingSplitInput,
): Promise<{ rows: { train: number; test: number } }> {
  const { count, labels } = await readLabels(deps, input);
  const split = splitRows(count, {
    strategy: input.strategy,
    testSize: input.testSize,
    seed: input.seed,
    labels,
  });
  const inTest = new Uint8Array(count);
  for (const r of split.test) inTest[r] = 1;
  const writers = [input.keys.train, input.keys.test].map((key) =>
    createArtifactWriter(deps, { key, contentType: 'text/csv' }),
  ) as [ArtifactWriter, ArtifactWriter];
  try {
    const { names, rows } = await csvRecordsOfStream(readArtifactStream(deps, input.source), FIELD);
    const header = `${names.map(quote).join(',')}\n`;
    await Promise.all(writers.map((w) => w.write(header)));
    let r = 0;
    for await (const record of rows) {
      if (r >= count) throw changed();
      await writers[inTest[r++]!]!.write(csvLine(record));
    }
    if (r !== count) throw changed();
    await Promise.all(writers.map((w) => w.end()));
  } catch (error) {
    await Promise.all(writers.map((w) => w.abort()));
    throw error;
  }
  return { rows: { train: split.train.length, test: split.test.length } };
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
