import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { directChild } from './direct-task.js';
import { type ItemReaderSpec, readItemChunks } from './item-reader.js';
import { jsonBytes, jsonText, rememberJsonBytes } from './data-limit.js';
import { compileSelector } from './item-selector.js';
import { applyTemplate, staticOrPath } from './payload-template.js';
import { StatesError } from './states-error.js';
import { type ChildResult, ResultExport, type ResultWriterSpec } from './result-writer.js';

/** The Resource of the Task a Distributed Map is lowered to (never deployed: local only). */
export const LOCAL_DISTRIBUTED_MAP = 'arn:aws:states:::cirrus-local:distributedMap';
/** Most child executions run at once in this process, whatever MaxConcurrency asks (AWS: up to 10,000). */
export const LOCAL_MAX_CHILDREN = 16;
/** The fields a Map and a Task share: kept on the lowered Task so the interpreter applies them. */
const TASK_FIELDS = [
  'Comment',
  'InputPath',
  'ResultPath',
  'ResultSelector',
  'OutputPath',
  'Retry',
  'Catch',
  'Next',
  'End',
];

type State = Record<string, unknown>;

/** Progress of one Map Run, shaped like DescribeMapRun's counts (items and child executions). */
export interface MapRunProgress {
  readonly mapRunArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  /** Items read so far; final once `readerDone`. */
  itemsTotal: number;
  itemsSucceeded: number;
  itemsFailed: number;
  executionsTotal: number;
  executionsSucceeded: number;
  executionsFailed: number;
  readerDone: boolean;
}

/**
 * aws-local-stepfunctions runs a Map inline and knows nothing of ItemReader, ItemBatcher,
 * ResultWriter or tolerated failures. The local runtime therefore swaps each Distributed Map
 * state (`ProcessorConfig.Mode: DISTRIBUTED`) of the definition for a Task with the same
 * input/output fields, and runs that Task with `runDistributedMap`. The file is unchanged.
 */
export function lowerDistributedMaps(definition: StateMachineDefinition): {
  definition: StateMachineDefinition;
  maps: Map<string, State>;
} {
  const maps = new Map<string, State>();
  const states: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(definition.States)) {
    const state = raw as unknown as State;
    const processor = state.ItemProcessor as State | undefined;
    const config = processor?.ProcessorConfig as State | undefined;
    if (state.Type !== 'Map' || config?.Mode !== 'DISTRIBUTED') {
      states[name] = raw;
      continue;
    }
    maps.set(name, state);
    // A Map has no timeout; a Task's default is 60 s. 2,000,000 s (23 days): the interpreter's
    // setTimeout overflows above 2^31 ms and would fire at once.
    const task: State = { Type: 'Task', Resource: LOCAL_DISTRIBUTED_MAP, TimeoutSeconds: 2_000_000 };
    for (const field of TASK_FIELDS) if (state[field] !== undefined) task[field] = state[field];
    states[name] = task;
  }
  return { definition: { ...definition, States: states } as StateMachineDefinition, maps };
}

export interface DistributedMapContext {
  readonly s3: S3Client;
  readonly executionArn: string;
  readonly stateMachineName: string;
  readonly stateName: string;
  /** The overrides every child's task states run with (the same local handlers). */
  readonly runOptions: RunOptions;
  /** Called once with the Map Run's live counts. */
  readonly onMapRun?: (progress: MapRunProgress) => void;
}

interface Limits {
  readonly maxItems: number;
  readonly maxBytes: number;
  readonly concurrency: number;
  readonly toleratedPercent?: number;
  readonly toleratedCount?: number;
}

const optionalNumber = (v: unknown) => (typeof v === 'number' ? v : undefined);

function limitsOf(state: State, input: unknown): Limits {
  const batcher = (state.ItemBatcher ?? {}) as State;
  const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);
  const concurrency = num(staticOrPath(state, 'MaxConcurrency', input), 0);
  return {
    maxItems: num(staticOrPath(batcher, 'MaxItemsPerBatch', input), state.ItemBatcher ? Infinity : 1),
    maxBytes: num(staticOrPath(batcher, 'MaxInputBytesPerBatch', input), 256 * 1024),
    concurrency: Math.min(concurrency === 0 ? LOCAL_MAX_CHILDREN : concurrency, LOCAL_MAX_CHILDREN),
    toleratedPercent: optionalNumber(staticOrPath(state, 'ToleratedFailurePercentage', input)),
    toleratedCount: optionalNumber(staticOrPath(state, 'ToleratedFailureCount', input)),
  };
}

/**
 * Runs one Distributed Map as Step Functions documents it: items streamed from the ItemReader,
 * `ItemSelector` applied per item (`$$.Map.Item.Index/Value`), grouped by the ItemBatcher
 * (count and JSON bytes, `{ BatchInput, Items }`), each group a child execution of the
 * ItemProcessor (at most MaxConcurrency at once; the reader waits), results exported by the
 * ResultWriter. Fails with States.ExceedToleratedFailureThreshold when failed children exceed
 * ToleratedFailurePercentage/Count.
 */
export async function runDistributedMap(state: State, input: unknown, ctx: DistributedMapContext) {
  const limits = limitsOf(state, input);
  const reader = applyTemplate(state.ItemReader, input, {}) as ItemReaderSpec;
  const writer = state.ResultWriter
    ? (applyTemplate(state.ResultWriter, input, {}) as ResultWriterSpec)
    : undefined;
  const batcher = (state.ItemBatcher ?? undefined) as State | undefined;
  const batchInput = batcher?.BatchInput ? applyTemplate(batcher.BatchInput, input, {}) : undefined;
  const processor = { ...(state.ItemProcessor as State) };
  delete processor.ProcessorConfig;
  const direct = directChild(processor, ctx.runOptions);
  const child: ChildExecution = direct
    ? (input, context) => direct(input, context)
    : interpreted(processor, ctx.runOptions);
  const region = ctx.executionArn.split(':')[3];
  const account = ctx.executionArn.split(':')[4];
  const mapRunArn = `arn:aws:states:${region}:${account}:mapRun:${ctx.stateMachineName}/${ctx.stateName}:${randomUUID()}`;
  const progress: MapRunProgress = {
    mapRunArn,
    status: 'RUNNING',
    itemsTotal: 0,
    itemsSucceeded: 0,
    itemsFailed: 0,
    executionsTotal: 0,
    executionsSucceeded: 0,
    executionsFailed: 0,
    readerDone: false,
  };
  ctx.onMapRun?.(progress);
  const exporter = writer?.Parameters ? new ResultExport(ctx.s3, writer, mapRunArn) : undefined;
  const inline: unknown[] = [];
  // COMPACT result files keep a success's Output alone: its Input is never written.
  const keepInput = exporter !== undefined && writer?.WriterConfig?.Transformation !== 'COMPACT';
  const runChild = childRunner(child, ctx, mapRunArn, progress, keepInput, (index, result) => {
    if (exporter) exporter.add(result);
    else inline[index] = result.Status === 'SUCCEEDED' ? JSON.parse(result.Output ?? 'null') : null;
  });
  try {
    await dispatch(
      readBatches(ctx.s3, state, input, reader, limits, batchInput, progress),
      limits,
      runChild,
      progress,
    );
    checkTolerance(progress, limits);
  } catch (error) {
    progress.status = 'FAILED';
    throw error;
  }
  progress.status = 'SUCCEEDED';
  return exporter ? exporter.finish() : inline;
}

interface Batch {
  readonly input: unknown;
  readonly items: number;
}

async function* readBatches(
  s3: S3Client,
  state: State,
  input: unknown,
  reader: ItemReaderSpec,
  limits: Limits,
  batchInput: unknown,
  progress: MapRunProgress,
): AsyncGenerator<Batch> {
  const select = state.ItemSelector === undefined ? undefined : compileSelector(state.ItemSelector, input);
  const batchInputBytes = batchInput === undefined ? 0 : jsonBytes(batchInput);
  const fixed = batchInput === undefined ? 0 : batchInputBytes + 32;
  let items: unknown[] = [];
  let bytes = fixed;
  let itemBytes = 0;
  const make = (): Batch => {
    if (!state.ItemBatcher) return { input: items[0], items: items.length };
    const input = { ...(batchInput === undefined ? {} : { BatchInput: batchInput }), Items: items };
    // {"BatchInput":…,"Items":[…]} or {"Items":[…]}: the items, their commas and the fixed JSON.
    const wrapper = batchInput === undefined ? 12 : 26 + batchInputBytes;
    rememberJsonBytes(input, wrapper + itemBytes + items.length - 1);
    return { input, items: items.length };
  };
  let index = 0;
  for await (const values of readItemChunks(s3, reader)) {
    for (const value of values) {
      const item = select ? select(index++, value) : value;
      const size = jsonBytes(item);
      if (items.length > 0 && (items.length >= limits.maxItems || bytes + size + 1 > limits.maxBytes)) {
        yield make();
        items = [];
        bytes = fixed;
        itemBytes = 0;
      }
      items.push(item);
      bytes += size + 1;
      itemBytes += size;
      progress.itemsTotal++;
    }
  }
  if (items.length > 0) yield make();
  progress.readerDone = true;
}

type ChildRun = (index: number, batch: Batch) => Promise<void>;

/** Starts a child per batch, never more than `limits.concurrency` at once (the reader waits). */
async function dispatch(
  batches: AsyncIterable<Batch>,
  limits: Limits,
  run: ChildRun,
  progress: MapRunProgress,
) {
  const running = new Set<Promise<void>>();
  let index = 0;
  for await (const batch of batches) {
    if (running.size >= limits.concurrency) await Promise.race(running);
    checkTolerance(progress, limits, true);
    const p = run(index++, batch).finally(() => running.delete(p));
    running.add(p);
  }
  await Promise.all(running);
}

/** One child execution: its output, or a throw shaped as the interpreter's (`cause` or the error). */
type ChildExecution = (input: unknown, context: unknown) => Promise<unknown>;

function interpreted(processor: State, runOptions: RunOptions): ChildExecution {
  const machine = new StateMachine(processor as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  // The interpreter reads items by property: give it the plain JSON (raw CSV rows materialized).
  return (input) => machine.run(JSON.parse(JSON.stringify(input)) as never, runOptions).result;
}

function childRunner(
  child: ChildExecution,
  ctx: DistributedMapContext,
  mapRunArn: string,
  progress: MapRunProgress,
  keepInput: boolean,
  record: (index: number, result: ChildResult) => void,
): ChildRun {
  const childArn = mapRunArn.replace(':mapRun:', ':express:');
  return async (index, batch) => {
    progress.executionsTotal++;
    const Name = `${index}-${randomUUID().slice(0, 8)}`;
    const StartDate = new Date().toISOString();
    const ExecutionArn = `${childArn}:${Name}`;
    const base = { ExecutionArn, Name, StartDate };
    const StateMachineArn = mapRunArn;
    const context = { Execution: { Id: ExecutionArn, Name, StartTime: StartDate } };
    try {
      const output = await child(batch.input, context);
      progress.executionsSucceeded++;
      progress.itemsSucceeded += batch.items;
      const Output = jsonText(output);
      record(index, {
        ...base,
        Input: keepInput ? JSON.stringify(batch.input) : '',
        Status: 'SUCCEEDED',
        Output,
        StopDate: new Date().toISOString(),
        StateMachineArn,
      });
    } catch (error) {
      progress.executionsFailed++;
      progress.itemsFailed += batch.items;
      const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const Error_ = inner instanceof Error ? inner.name : 'States.Runtime';
      const Cause = inner instanceof Error ? inner.message : String(inner);
      record(index, {
        ...base,
        Input: JSON.stringify(batch.input),
        Status: 'FAILED',
        Error: Error_,
        Cause,
        StopDate: new Date().toISOString(),
        StateMachineArn,
      });
    }
  };
}

/**
 * The Map Run fails once failed children exceed ToleratedFailureCount or ToleratedFailurePercentage
 * (either one set alone is the only rule; neither set tolerates none). `partial` (children still
 * to come) checks the count only: the percentage is final once every child has ended.
 */
function checkTolerance(progress: MapRunProgress, limits: Limits, partial = false): void {
  const failed = progress.executionsFailed;
  if (failed === 0) return;
  const { toleratedCount: count, toleratedPercent: percent } = limits;
  const total = progress.executionsTotal;
  const maxFailed = count ?? (percent === undefined ? 0 : Number.POSITIVE_INFINITY);
  const overPercent = !partial && percent !== undefined && (failed / total) * 100 > percent;
  if (failed > maxFailed || overPercent) {
    throw new StatesError(
      'States.ExceedToleratedFailureThreshold',
      `The specified tolerated failure threshold was exceeded: ${failed} of ${total} child executions failed`,
    );
  }
}
