import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PredictionLogRecord } from '../../contracts/serving.js';
import type { CoreDeps } from '../deps.js';
import type { LogJournal } from '../ports.js';
import { isConditionFailed } from '../storage/dynamo.js';
import { partItem, RequestIdAllocator, SEGMENT_SIZE } from './log-layout.js';
import { PartBuilder } from './log-parts.js';

/** BatchWriteItem's limit. */
const MAX_BATCH = 25;

export interface PredictionLogOptions {
  /**
   * Records are written at most this long after being logged (lookups by request id flush
   * first, so feedback never waits for it). Long enough that a busy server's writes start
   * when `fillRecords` are queued, not on the timer. @default 250
   */
  readonly flushIntervalMs?: number;
  /**
   * Queued records that start a write at once. Why ~16 parts and not fewer: a BatchWriteItem
   * costs the SDK a fixed share of the logging thread however few items it carries, so under
   * load the calls should be full ones (bench/prediction-log.ts compares call sizes).
   * @default 1024 (16 parts of SEGMENT_SIZE records)
   */
  readonly fillRecords?: number;
  /** BatchWriteItem calls in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Attempts per batch (throttling, unprocessed items) before flush() reports failure. @default 8 */
  readonly maxAttempts?: number;
  /** First retry delay; doubles each attempt, with full jitter. @default 20 */
  readonly baseDelayMs?: number;
  /** Records expire this long after they were answered (TTL). @default 90 days */
  readonly ttlSeconds?: number;
  /**
   * Queued records above which `waitForCapacity()` makes callers wait: memory stays bounded
   * when DynamoDB writes fall behind answers, by slowing answers rather than dropping records.
   * @default 50_000
   */
  readonly maxPending?: number;
  /** Called when a batch exhausts its attempts; the records go back to the buffer. */
  readonly onError?: (error: unknown, pending: number) => void;
  /**
   * Where each record is written ahead, before `log()` returns (the local runtime: a file,
   * replayed on start). Without one (Lambda), a handler flushes before it answers.
   */
  readonly journal?: LogJournal;
}

type Item = Record<string, unknown>;

/** What the predict path needs of a prediction log (PredictionLogWriter, LinePredictionLog). */
export interface PredictionLog {
  /** A new request id (`<segment>.<index>`, see log-layout.ts). */
  newRequestId(): string;
  /** Logs a record; returns at once. */
  log(record: PredictionLogRecord): void;
  /** Logs records still being produced (shadows); `flush()` waits for them. */
  logLater(records: Promise<readonly PredictionLogRecord[]>): void;
  /** True while callers should wait (`waitForCapacity`) before answering more. */
  readonly overloaded: boolean;
  waitForCapacity(): Promise<void>;
  /** Nothing queued or still being produced. */
  readonly idle: boolean;
  /** Resolves once everything logged so far is where this log keeps it. */
  flush(): Promise<void>;
}

/** Parts an attempt did not store, and why when it was an error. */
interface Left {
  readonly items: Item[];
  readonly error?: unknown;
}

/** The default `fillRecords`: ~16 parts, room under BatchWriteItem's 25 items for split segments. */
const FILL = 16 * SEGMENT_SIZE;

/** Records held by a list of part items. */
const recordsIn = (items: readonly Item[]) => items.reduce((n, item) => n + Number(item.count), 0);

/**
 * The SDK's logger middleware runs its sensitive-data filter over the whole input after every
 * call, even with the default no-op logger: for 25 records that walk cost more than our own
 * item building. Overriding the filter (the hook lib-dynamodb's logger reads) skips it; a
 * configured logger sees a record count instead of the records' features.
 */
function summarizeLogInput(command: BatchWriteCommand): BatchWriteCommand {
  // lib-dynamodb concatenates this stack twice when resolving, hence `override`.
  command.middlewareStack.add(
    (next, context) => (args) => {
      const ctx = context as { dynamoDbDocumentClientOptions?: Record<string, unknown> };
      ctx.dynamoDbDocumentClientOptions = {
        ...ctx.dynamoDbDocumentClientOptions,
        overrideInputFilterSensitiveLog: (input: { RequestItems?: Record<string, unknown[]> }) => ({
          predictionRecords: Object.values(input.RequestItems ?? {}).reduce((n, rs) => n + rs.length, 0),
        }),
      };
      return next(args);
    },
    { step: 'initialize', name: 'cirrusSummarizeLogInput', override: true },
  );
  return command;
}

/** The parts of `ours` that `reported` names by key (pk, sk). */
function sameParts(ours: readonly Item[], reported: readonly Item[]): Item[] {
  if (reported.length === 0) return [];
  const keys = new Set(reported.map((item) => `${String(item.pk)}\n${String(item.sk)}`));
  return ours.filter((item) => keys.has(`${String(item.pk)}\n${String(item.sk)}`));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A buffered, batched writer of prediction records. `log()` never waits for DynamoDB: records
 * queue up and are written as parts of their segments (see log-layout.ts), when `fillRecords`
 * are queued or `flushIntervalMs` passes, up to 25 parts per BatchWriteItem. `flush()` resolves
 * once every record logged before it is stored; a Lambda handler awaits it before returning
 * (the sandbox freezes after the answer), the local server on shutdown.
 * No record is dropped: UnprocessedItems are retried with backoff, and parts that still fail go
 * back to the queue (same keys, so a rewrite is idempotent) and make `flush()` reject.
 *
 * @example
 * const log = new PredictionLogWriter(deps);
 * const requestId = log.newRequestId();
 * log.log(record);          // returns at once
 * await log.flush();        // all written
 */
export class PredictionLogWriter implements PredictionLog {
  /** Logged records, already grouped into parts (see log-parts.ts for why as bytes). */
  private readonly buffer = new PartBuilder();
  /** Part items built from the buffer, waiting for a write slot. */
  private ready: Item[] = [];
  private readyRecords = 0;
  private inFlightRecords = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly producing = new Set<Promise<void>>();
  private readonly ids = new RequestIdAllocator();
  private parts = 0;
  private timer: NodeJS.Timeout | undefined;
  private failures: unknown[] = [];
  /**
   * Parts sent by a call that threw: they may have been stored anyway (a timeout after the
   * write), so they are only ever put again where absent — a retry must not overwrite a stored
   * part that has had ground truth attached since. UnprocessedItems were not written; they batch.
   */
  private readonly maybeStored = new WeakSet<Item>();
  /** The journal generation of each part item, and how many parts of each are not stored yet. */
  private readonly generationOf = new Map<Item, number>();
  private readonly unstored = new Map<number, number>();
  private readonly opts: Required<Omit<PredictionLogOptions, 'onError' | 'journal'>> &
    Pick<PredictionLogOptions, 'onError' | 'journal'>;
  /** Records stored so far (for metrics and tests). */
  written = 0;

  constructor(
    private readonly deps: CoreDeps,
    options: PredictionLogOptions = {},
  ) {
    this.opts = {
      flushIntervalMs: options.flushIntervalMs ?? 250,
      fillRecords: options.fillRecords ?? FILL,
      concurrency: options.concurrency ?? 4,
      maxAttempts: options.maxAttempts ?? 8,
      baseDelayMs: options.baseDelayMs ?? 20,
      ttlSeconds: options.ttlSeconds ?? 90 * 24 * 3600,
      maxPending: options.maxPending ?? 50_000,
      onError: options.onError,
      journal: options.journal,
    };
  }

  /** A new request id in this writer's current segment (`<segment>.<index>`). */
  newRequestId(): string {
    return this.ids.next();
  }

  /** Records waiting or being written. */
  get pending(): number {
    return this.buffer.records + this.readyRecords + this.inFlightRecords;
  }

  /** Nothing queued, being written or still being produced (shadows). */
  get idle(): boolean {
    return this.pending === 0 && this.producing.size === 0;
  }

  /** Queues a record; returns at once. */
  log(record: PredictionLogRecord): void {
    const line = this.buffer.add(record);
    this.opts.journal?.append(line);
    if (this.buffer.records >= this.opts.fillRecords) this.drain(false);
    else this.schedule();
  }

  /**
   * Logs records that are still being produced (shadow variants scored after the answer):
   * `flush()` waits for them, so a Lambda handler that flushes loses none.
   */
  logLater(records: Promise<readonly PredictionLogRecord[]>): void {
    const tracked = records.then(
      (rs) => {
        for (const r of rs) this.log(r);
      },
      (error: unknown) => this.opts.onError?.(error, 0),
    );
    this.producing.add(tracked);
    tracked.finally(() => this.producing.delete(tracked));
  }

  /** True while more records are queued than `maxPending`. */
  get overloaded(): boolean {
    return this.pending > this.opts.maxPending;
  }

  /**
   * Resolves once the queue is back under `maxPending` (at once when it is). The predict path
   * awaits it before answering, so a backlog turns into latency, never into lost records.
   */
  async waitForCapacity(): Promise<void> {
    while (this.overloaded) {
      this.drain(true);
      if (this.inFlight.size === 0) return; // nothing can make progress now: flush() reports it
      await Promise.race(this.inFlight);
      if (this.failures.length > 0) return;
    }
  }

  /** Writes everything logged so far; rejects if some records could not be stored (they stay queued). */
  async flush(): Promise<void> {
    while (this.producing.size > 0) await Promise.all(this.producing);
    this.clearTimer();
    while (this.buffer.records > 0 || this.ready.length > 0 || this.inFlight.size > 0) {
      this.drain(true);
      if (this.inFlight.size === 0) break;
      await Promise.race(this.inFlight);
      if (this.failures.length > 0) break;
    }
    await Promise.all(this.inFlight);
    const failures = this.failures;
    this.failures = [];
    if (failures.length > 0) {
      throw new Error(
        `prediction log: ${failures.length} batch(es) failed, ${this.pending} records still queued: ${String(failures[0])}`,
      );
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain(true);
    }, this.opts.flushIntervalMs);
    // A pending timer must not keep a CLI or test process alive; close paths call flush().
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Turns the buffer into part items (cutting as late as possible makes parts larger). */
  private cut(): void {
    this.readyRecords += this.buffer.records;
    // The journal's generation holds exactly the records cut now (both happen synchronously).
    const generation = this.opts.journal?.rotate();
    const parts = this.buffer.take();
    for (const part of parts) {
      const item = partItem(part, this.ids.writerId, this.parts++, this.opts.ttlSeconds);
      if (generation !== undefined) this.generationOf.set(item, generation);
      this.ready.push(item);
    }
    if (generation !== undefined) this.unstored.set(generation, parts.length);
  }

  /** Parts now in DynamoDB: a journal generation with no part left to store is released. */
  private markStored(sent: readonly Item[], left: readonly Item[]): void {
    const journal = this.opts.journal;
    if (!journal) return;
    for (const item of sent) {
      const generation = this.generationOf.get(item);
      if (generation === undefined || left.includes(item)) continue;
      this.generationOf.delete(item);
      const remaining = (this.unstored.get(generation) ?? 1) - 1;
      if (remaining > 0) this.unstored.set(generation, remaining);
      else {
        this.unstored.delete(generation);
        journal.release(generation);
      }
    }
  }

  /** Starts writes up to the concurrency limit; a partial buffer is cut only when `all`. */
  private drain(all: boolean): void {
    while (this.inFlight.size < this.opts.concurrency) {
      if (this.ready.length < MAX_BATCH && this.buffer.records >= (all ? 1 : this.opts.fillRecords))
        this.cut();
      if (this.ready.length === 0) break;
      const batch = this.ready.splice(0, MAX_BATCH);
      const records = recordsIn(batch);
      this.readyRecords -= records;
      this.inFlightRecords += records;
      const write = this.writeBatch(batch).finally(() => {
        this.inFlight.delete(write);
        this.inFlightRecords -= records;
        // After a failure, wait for the timer (or flush) rather than retry in a tight loop.
        if (
          this.failures.length === 0 &&
          (this.buffer.records >= this.opts.fillRecords || this.ready.length > 0)
        )
          this.drain(false);
        else if (this.pending > 0) this.schedule();
      });
      this.inFlight.add(write);
    }
    if (this.buffer.records > 0 || this.ready.length > 0) this.schedule();
  }

  private async writeBatch(batch: Item[]): Promise<void> {
    let items = batch;
    let lastError: unknown;
    for (let attempt = 0; attempt < this.opts.maxAttempts && items.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.random() * this.opts.baseDelayMs * 2 ** (attempt - 1));
      try {
        const ambiguous = items.some((item) => this.maybeStored.has(item));
        const left = ambiguous ? await this.putIfAbsent(items) : await this.batchPut(items);
        // UnprocessedItems come back as new objects: keep ours (their identity is tracked).
        const unstored = sameParts(items, left.items);
        this.written += recordsIn(items) - recordsIn(unstored);
        this.markStored(items, unstored);
        items = unstored;
        if (left.error !== undefined) lastError = left.error;
      } catch (error) {
        lastError = error;
        for (const item of items) this.maybeStored.add(item);
      }
    }
    if (items.length > 0) {
      // Keep the parts for the next flush rather than lose them.
      const failed = recordsIn(items);
      this.ready.unshift(...items);
      this.readyRecords += failed;
      this.failures.push(lastError ?? new Error('unprocessed items after retries'));
      this.opts.onError?.(lastError, failed);
    }
  }

  /** One BatchWriteItem; what is left is what DynamoDB reported unprocessed. */
  private async batchPut(items: Item[]): Promise<Left> {
    const table = this.deps.tables.predictions;
    const command = new BatchWriteCommand({
      RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) },
    });
    const res = await this.deps.ddb.send(summarizeLogInput(command));
    const unprocessed = res.UnprocessedItems?.[table] ?? [];
    return { items: unprocessed.flatMap((r) => (r.PutRequest?.Item ? [r.PutRequest.Item] : [])) };
  }

  /**
   * Each part put only where its key is absent; a part already there was stored by the call
   * that threw and counts as written. What is left is the parts whose put failed, with an error.
   */
  private async putIfAbsent(items: Item[]): Promise<Left> {
    const left: Item[] = [];
    let error: unknown;
    await Promise.all(
      items.map(async (Item) => {
        try {
          await this.deps.ddb.send(
            new PutCommand({
              TableName: this.deps.tables.predictions,
              Item,
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } catch (e) {
          if (isConditionFailed(e)) return;
          this.maybeStored.add(Item);
          left.push(Item);
          error = e;
        }
      }),
    );
    return { items: left, error };
  }
}
