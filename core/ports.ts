/**
 * Ports: what core/ needs from a runtime that is not a storage client. AWS implements them with
 * Step Functions and EventBridge clients; the embedded runtime with its local interpreter and
 * in-process event router.
 */

/** The two state machines Cirrus deploys. */
export type PipelineName = 'training' | 'sweep' | 'batch';

export interface ExecutionSummary {
  readonly executionId: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly startedAt: string;
  readonly stoppedAt?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface ExecutionEvent {
  readonly type: string;
  readonly state?: string;
  /** The Map iteration (a sweep's variant) the event belongs to; absent at the top level. */
  readonly mapIndex?: number;
  readonly at: string;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** Starts and describes state-machine executions. */
export interface PipelineRunner {
  start(pipeline: PipelineName, name: string, input: unknown): Promise<{ executionId: string }>;
  describe(executionId: string): Promise<ExecutionSummary & { history: readonly ExecutionEvent[] }>;
}

/** Publishes a Cirrus event (EventBridge source `cirrus`). */
export interface EventPublisher {
  publish(detailType: string, detail: Record<string, unknown>): Promise<void>;
}

/** Live counts of a batch job's Distributed Map run (local: the interpreter's; AWS: DescribeMapRun). */
export interface MapRunCounts {
  readonly itemsTotal: number;
  readonly itemsSucceeded: number;
  readonly itemsFailed: number;
  readonly executionsTotal: number;
  readonly executionsFailed: number;
  readonly readerDone: boolean;
}

export interface MapRunReader {
  mapRunCounts(executionId: string): Promise<MapRunCounts | undefined>;
}

/**
 * A write-ahead journal of the prediction log (the local runtime keeps one in a file): each
 * record is appended before its answer leaves, and dropped once DynamoDB holds it, so a process
 * that dies with records still queued loses none (they are replayed on the next start).
 */
export interface LogJournal {
  /** Appends one record's JSON line; when this returns, the line outlives the process. */
  append(line: string): void;
  /** Closes the current generation (the lines appended since the last rotate); returns its id. */
  rotate(): number;
  /** Every line of generation `generation` is stored: the journal may forget it. */
  release(generation: number): void;
}
