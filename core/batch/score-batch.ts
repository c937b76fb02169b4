import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type ScoreBatchInput, ScoreBatchInputSchema, type ScoreBatchResult } from '../../contracts/batch.js';
import type { FeatureRow } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import { fromZodError, ValidationError } from '../errors.js';
import type { EndpointResolver } from '../serving/resolver.js';
import { decodeOutputs, encodeRows } from '../ml/onnx-io.js';
import { finite, runModel, runOutputs } from '../serving/run-model.js';
import type { LoadedModel, SessionCache } from '../serving/session-cache.js';
import { csvValues, fieldOf } from './csv-row.js';
import { plainNumericRows } from './numeric-rows.js';
import { csvCell, csvTail, featureRow, lineFormatter } from './rows.js';
import { tensorLines } from './tensor-lines.js';

/** Per-process state a batch child reuses (the same caches the predict path uses). */
export interface BatchScoringContext {
  readonly cache: SessionCache;
  readonly resolver: EndpointResolver;
}

/**
 * Most bytes of output and error lines (as JSON strings) a batch returns inline in its result, the
 * rest is written as part objects. Step Functions caps a state's result at 256 KiB; the Lambda
 * invoke wrapper and the counts need the margin.
 */
export const INLINE_RESULT_BYTES = 192 * 1024;

/** The part key of a batch: zero-padded first row, so key order is row order. */
export function partKey(partsPrefix: string, firstRow: number, kind: 'rows' | 'errors'): string {
  return `${partsPrefix}${String(firstRow).padStart(12, '0')}.${kind}`;
}

/**
 * Scores one ItemBatcher batch with the job's pinned version through serving's `runModel`: valid
 * rows give output lines in row order, rows that fail serving's validation `row,reason` lines (row
 * numbers count data rows from 1). Both come back inline in the result (`lines`, `errorLines`)
 * when they fit INLINE_RESULT_BYTES, else as part objects (`part`, `errorsPart`) under the job's
 * parts prefix. A bad row never fails the batch; a missing model or an S3 failure does (the Map
 * retries or counts it).
 */
export async function scoreBatch(
  deps: CoreDeps,
  ctx: BatchScoringContext,
  payload: unknown,
): Promise<ScoreBatchResult> {
  const input = parsePayload(payload);
  const { model, version, keyColumn, output, inputFormat } = input.BatchInput;
  const ref = await ctx.resolver.artifact(deps, model, version);
  const loaded = await ctx.cache.get(deps, ref);
  const csv = inputFormat === 'csv';
  const items = input.Items;
  // A JSON Lines line that parses to something other than an object (`[1,2]`, `3`) is a bad row.
  const objects: number[] = [];
  const notObjects: [number, string][] = [];
  items.forEach((item, i) => {
    if (isRecord(item.values)) objects.push(i);
    else notObjects.push([i, `must be a JSON object (got ${kindOf(item.values)})`]);
  });
  const keyOf = (i: number) => {
    const item = items[i];
    const key = keyColumn === null ? undefined : fieldOf(item.values as Record<string, unknown>, keyColumn);
    return key !== undefined ? String(key) : item.row + 1;
  };
  const line = lineFormatter(loaded.contract, output.format, model, version);
  const plain =
    notObjects.length === 0
      ? await plainLines(
          loaded,
          items,
          csv,
          keyOf,
          output.format === 'csv' ? csvTail(model, version) : null,
          line,
        )
      : undefined;
  let lines: string[] = plain ?? [];
  let errors: [number, string][] = [];
  if (!plain) {
    const scored = await scoreItems(loaded, items, objects, notObjects, csv);
    errors = scored.errors;
    lines = scored.good.map(([i, p]) => line(keyOf(i), p));
  }
  const firstRow = items[0].row;
  const counts = { firstRow, rows: items.length, scored: lines.length, invalid: errors.length };
  const body = (ls: string[]) => (ls.length === 0 ? '' : ls.join('\n') + '\n');
  const out = body(lines);
  const bad = body(errors.map(([i, reason]) => `${items[i].row + 1},${csvCell(reason)}`));
  if (jsonStringBytes(out) + jsonStringBytes(bad) <= INLINE_RESULT_BYTES)
    return { ...counts, part: null, errorsPart: null, lines: out, errorLines: bad };
  const part = lines.length > 0 ? partKey(output.partsPrefix, firstRow, 'rows') : null;
  const errorsPart = errors.length > 0 ? partKey(output.partsPrefix, firstRow, 'errors') : null;
  await Promise.all([
    part && put(deps, output.bucket, part, out),
    errorsPart && put(deps, output.bucket, errorsPart, bad),
  ]);
  return { ...counts, part, errorsPart };
}

/** A character JSON.stringify escapes, or one UTF-8 encodes in more than a byte, other than \n. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON.stringify escapes
const NOT_PLAIN = /[\x00-\x09\x0b-\x1f"\\\u007f-\uffff]/;

/**
 * UTF-8 bytes of `s` as a JSON string (quotes and escapes included). Text of printable ASCII and
 * newlines (each escaped as two characters) is counted without building the JSON string.
 */
export function jsonStringBytes(s: string): number {
  if (NOT_PLAIN.test(s)) return Buffer.byteLength(JSON.stringify(s));
  let newlines = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) newlines += 1;
  return s.length + newlines + 2;
}

type Scored = Awaited<ReturnType<typeof runModel>>[number];

/**
 * The output lines of a batch whose rows are all plain numbers (numeric-rows.ts), in one session
 * run: CSV straight from the output tensors (tensor-lines.ts) when `csvTail` is given and the
 * outputs allow it, else through Prediction objects. Undefined when a row is not plain.
 */
async function plainLines(
  loaded: LoadedModel,
  items: ScoreBatchInput['Items'],
  csv: boolean,
  keyOf: (i: number) => string | number,
  csvTail: string | null,
  line: (key: string | number, p: Scored) => string,
): Promise<string[] | undefined> {
  const records = items as readonly { readonly values: Record<string, unknown> }[];
  const plain = plainNumericRows(loaded.contract, records, csv);
  if (!plain) return undefined;
  return runOutputs(
    loaded,
    plain,
    (outputs) =>
      (csvTail === null ? undefined : tensorLines(loaded.contract, outputs, plain.n, keyOf, csvTail)) ??
      finite(decodeOutputs(loaded.contract, outputs, plain.n)).map((p, i) => line(keyOf(i), p)),
  );
}

/**
 * Scores a batch's object rows through serving's validating path (a batch that is not all plain
 * numbers, see plainLines). Errors are [item index, reason], in order.
 */
async function scoreItems(
  loaded: LoadedModel,
  items: ScoreBatchInput['Items'],
  objects: readonly number[],
  notObjects: readonly [number, string][],
  csv: boolean,
): Promise<{ good: [number, Scored][]; errors: [number, string][] }> {
  const records = items as readonly { readonly values: Record<string, unknown> }[];
  const rows = objects.map((i) =>
    featureRow(loaded.contract, csvValues(records[i].values) as Record<string, unknown>, csv),
  );
  const scored = await scoreValid(loaded, rows);
  const good = scored.good.map(([k, p]): [number, Scored] => [objects[k], p]);
  const errors = [...notObjects, ...scored.errors.map(([k, r]): [number, string] => [objects[k], r])];
  return { good, errors: errors.sort((a, b) => a[0] - b[0]) };
}

/** Scores the batch in one run; when serving rejects it, finds each bad row and scores the rest. */
async function scoreValid(loaded: LoadedModel, rows: FeatureRow[]) {
  const source = (rs: FeatureRow[], index: number[]) => ({
    rows: rs,
    root: 'rows',
    pathOf: (i: number) => `row ${index[i] + 1}`,
  });
  const all = rows.map((_, i) => i);
  try {
    const predictions = await runModel(loaded, source(rows, all));
    return { good: predictions.map((p, i) => [i, p] as [number, Scored]), errors: [] as [number, string][] };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
  }
  const errors: [number, string][] = [];
  const valid: number[] = [];
  for (const i of all) {
    try {
      encodeRows(loaded.contract, { rows: [rows[i]], root: 'rows', pathOf: () => 'row' });
      valid.push(i);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      errors.push([i, error.message.replace(/^row\./, '')]);
    }
  }
  if (valid.length === 0) return { good: [], errors };
  const predictions = await runModel(
    loaded,
    source(
      valid.map((i) => rows[i]),
      valid,
    ),
  );
  return { good: predictions.map((p, k) => [valid[k], p] as [number, Scored]), errors };
}

/** The payload's BatchInput part (built once: zod's pick builds a schema each call). */
const BatchInputOnlySchema = ScoreBatchInputSchema.pick({ BatchInput: true });

function parsePayload(payload: unknown): ScoreBatchInput {
  // Items are checked shallowly (arrays of { row, values }); zod on every row would cost more than scoring.
  const { Items, ...rest } = (payload ?? {}) as Record<string, unknown>;
  const parsed = BatchInputOnlySchema.safeParse(rest);
  if (!parsed.success) throw fromZodError(parsed.error, 'payload');
  if (!Array.isArray(Items) || Items.length === 0)
    throw new ValidationError('Items: must be a non-empty array', 'Items');
  for (const item of Items as unknown[]) {
    const ok = typeof item === 'object' && item !== null && Number.isInteger((item as { row?: unknown }).row);
    if (!ok || !('values' in item))
      throw new ValidationError('Items: each item must be { row, values }', 'Items');
  }
  return { BatchInput: parsed.data.BatchInput, Items: Items as ScoreBatchInput['Items'] };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'number' ? 'a number' : typeof v === 'string' ? 'a string' : `a ${typeof v}`;
}

async function put(deps: CoreDeps, bucket: string, key: string, body: string): Promise<void> {
  await deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}
