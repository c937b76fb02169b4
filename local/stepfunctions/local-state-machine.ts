import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ExecutionAbortedError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import '../polyfills.js';
import { ConflictError, ValidationError } from '../../core/errors.js';
import {
  DEFINITION_FILES,
  type DefinitionName,
  renderDefinition,
  type Substitutions,
} from '../../statemachines/substitutions.js';
import { type ExecutionRecord, type ExecutionStatus, ExecutionStore } from './execution-store.js';
import { checkDataLimit, isJsonSafe } from './data-limit.js';
import { lowerDistributedMaps, type MapRunProgress, runDistributedMap } from './distributed-map.js';
import { type LibraryEvent, toHistoryEvent } from './history.js';
import { localSubstitutions } from './local-substitutions.js';
import { buildTaskOverrides, listTaskStates, type TaskImplementations } from './task-overrides.js';

export interface LocalStateMachineOptions extends TaskImplementations {
  /** Which file of `statemachines/` to execute. */
  readonly definition: DefinitionName;
  /** Executions are kept under `<dataDir>/executions/`. */
  readonly dataDir: string;
  /** Share one store between state machines so one list shows every execution. @default a new store on dataDir */
  readonly store?: ExecutionStore;
  /** Wait before every retry, in ms (tests pass 0). @default the ASL's IntervalSeconds/BackoffRate */
  readonly retryIntervalMs?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** S3 for Distributed Map ItemReader/ResultWriter (required when the definition has one). */
  readonly s3?: S3Client;
}

export interface ExecutionResult {
  readonly executionArn: string;
  readonly executionId: string;
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

export interface StartedExecution {
  readonly executionArn: string;
  readonly executionId: string;
  readonly startDate: string;
  /** Settles when the execution ends; never rejects (a failure is a result with status FAILED). */
  readonly done: Promise<ExecutionResult>;
}

export interface StartOptions {
  /** The execution name (its id). @default a random UUID */
  readonly name?: string;
}

export interface LocalStateMachine {
  readonly name: string;
  readonly stateMachineArn: string;
  /** Starts an execution and returns at once, like StartExecution. */
  start(input: unknown, options?: StartOptions): Promise<StartedExecution>;
  /** Starts an execution and waits for its end, like StartSyncExecution. */
  run(input: unknown, options?: StartOptions): Promise<ExecutionResult>;
  /** Aborts a running execution of this process; false when it is not running here. */
  stop(executionId: string): boolean;
  getExecution(executionId: string): Promise<ExecutionRecord | undefined>;
  listExecutions(): Promise<ExecutionRecord[]>;
  /** Live counts of an execution's Distributed Map runs (this process only; DescribeMapRun). */
  describeMapRuns(executionId: string): readonly MapRunProgress[];
}

const MACHINE_NAMES: Record<DefinitionName, string> = {
  training: 'cirrus-training',
  sweep: 'cirrus-training-sweep',
  batch: 'cirrus-batch-predict',
};
// Step Functions' rule for execution names, narrowed to what is also a safe file name.
const EXECUTION_NAME = /^[A-Za-z0-9_.-]{1,80}$/;

/**
 * The machine as this runtime runs it: the definition rendered with local ARNs, its task
 * overrides, its Distributed Maps lowered to local Tasks, and its name and ARN.
 */
function compileDefinition(options: LocalStateMachineOptions) {
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '000000000000';
  const substitutions: Substitutions = localSubstitutions(region, account);
  const rendered: StateMachineDefinition = JSON.parse(
    renderDefinition(DEFINITION_FILES[options.definition], substitutions),
  );
  // Task overrides come from the file as written (child tasks included); the interpreter runs
  // the definition with its Distributed Maps lowered to local Tasks (see distributed-map.ts).
  const overrides = jsonOverrides(buildTaskOverrides(rendered, substitutions, options));
  const { definition, maps } = lowerDistributedMaps(rendered);
  if (maps.size > 0 && !options.s3)
    throw new Error(`${options.definition}: a Distributed Map needs options.s3`);
  const retryIntervalOverrides =
    options.retryIntervalMs === undefined
      ? undefined
      : Object.fromEntries(listTaskStates(rendered).map((s) => [s.name, options.retryIntervalMs ?? 0]));
  const machine = new StateMachine(definition);
  const name = MACHINE_NAMES[options.definition];
  const stateMachineArn = `arn:aws:states:${region}:${account}:stateMachine:${name}`;
  return { region, account, overrides, maps, retryIntervalOverrides, machine, name, stateMachineArn };
}

/**
 * Executes a state machine file of `statemachines/` with aws-local-stepfunctions: the very file
 * CDK deploys, rendered with local ARNs, each Lambda task mapped to a local handler and the
 * SageMaker task to the local training-job runner. Every execution's history is persisted.
 *
 * @example
 * const training = createLocalStateMachine({ definition: 'training', dataDir, handlers, trainingJob });
 * const { executionId, done } = await training.start({ request });
 */
export function createLocalStateMachine(options: LocalStateMachineOptions): LocalStateMachine {
  const { region, account, overrides, maps, retryIntervalOverrides, machine, name, stateMachineArn } =
    compileDefinition(options);
  const store = options.store ?? new ExecutionStore(options.dataDir);
  const running = new Map<string, () => void>();
  const mapRuns = new Map<string, MapRunProgress[]>();

  /** The lowered Distributed Maps of one execution, each run with the same child overrides. */
  function mapOverrides(executionArn: string, executionId: string): LocalTaskHandlers {
    const runOptions = { overrides: { taskResourceLocalHandlers: overrides, retryIntervalOverrides } };
    const out: LocalTaskHandlers = {};
    for (const [stateName, state] of maps) {
      out[stateName] = async (input: unknown) =>
        toJson(
          await runDistributedMap(state, input, {
            s3: options.s3 as S3Client,
            executionArn,
            stateMachineName: name,
            stateName,
            runOptions,
            onMapRun: (progress) => mapRuns.set(executionId, [...(mapRuns.get(executionId) ?? []), progress]),
          }),
        );
    }
    return out;
  }

  async function start(input: unknown, startOptions: StartOptions = {}): Promise<StartedExecution> {
    const executionId = startOptions.name ?? randomUUID();
    if (!EXECUTION_NAME.test(executionId)) {
      throw new ValidationError(
        `name: '${executionId}' must be 1-80 characters of A-Z a-z 0-9 _ . -`,
        'name',
      );
    }
    if (running.has(executionId) || (await store.get(executionId))) {
      throw new ConflictError(`ExecutionAlreadyExists: ${executionId}`);
    }
    const executionArn = `arn:aws:states:${region}:${account}:execution:${name}:${executionId}`;
    const jsonInput = toJson(input ?? {});
    const record: Mutable<ExecutionRecord> = {
      executionArn,
      executionId,
      stateMachine: name,
      status: 'RUNNING',
      startDate: new Date().toISOString(),
      input: jsonInput,
      events: [],
    };
    await store.save(record);
    const execution = machine.run(jsonInput, {
      overrides: {
        taskResourceLocalHandlers: { ...overrides, ...mapOverrides(executionArn, executionId) },
        retryIntervalOverrides,
      },
      context: {
        Execution: { Id: executionArn, Name: executionId },
        StateMachine: { Id: stateMachineArn, Name: name },
      },
    });
    running.set(executionId, execution.abort);
    const done = follow(record, execution, store).finally(() => running.delete(executionId));
    return { executionArn, executionId, startDate: record.startDate, done };
  }

  return {
    name,
    stateMachineArn,
    start,
    run: async (input, startOptions) => (await start(input, startOptions)).done,
    stop(executionId) {
      const abort = running.get(executionId);
      abort?.();
      return abort !== undefined;
    },
    getExecution: (executionId) => store.get(executionId),
    listExecutions: () => store.list(name),
    describeMapRuns: (executionId) => mapRuns.get(executionId) ?? [],
  };
}

type LocalTaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** Round-trips a value through JSON, as every Step Functions boundary does (drops undefined). */
function toJson(value: unknown): ReturnType<typeof JSON.parse> {
  return JSON.parse(JSON.stringify(value ?? null));
}

/** Each task's handler behind the JSON boundary and the 256 KiB state-data limit (data-limit.ts). */
function jsonOverrides(handlers: Record<string, (input: unknown) => Promise<unknown>>): LocalTaskHandlers {
  return Object.fromEntries(
    Object.entries(handlers).map(([state, handler]) => [
      state,
      async (input: unknown) => {
        checkDataLimit(input, state, 'input');
        const raw = await handler(input);
        const result = isJsonSafe(raw) ? raw : toJson(raw);
        checkDataLimit(result, state, 'result');
        return result;
      },
    ]),
  );
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface LibraryExecution {
  readonly result: Promise<unknown>;
  readonly eventLogs: AsyncGenerator<unknown>;
}

/** Records events as they arrive and the outcome when the execution ends. */
async function follow(
  record: Mutable<ExecutionRecord>,
  execution: LibraryExecution,
  store: ExecutionStore,
): Promise<ExecutionResult> {
  const recording = (async () => {
    for await (const event of execution.eventLogs) {
      record.events.push(toHistoryEvent(event as LibraryEvent, record.events.length + 1));
      void store.save(record).catch(() => undefined); // progress only; the final save below is awaited
    }
  })();
  const outcome = await execution.result.then(
    (output) => ({ status: 'SUCCEEDED' as const, output }),
    (error: unknown) => failure(error),
  );
  await recording;
  Object.assign(record, outcome, { stopDate: new Date().toISOString() });
  await store.save(record);
  const { executionArn, executionId } = record;
  return { executionArn, executionId, ...outcome };
}

function failure(error: unknown): Omit<ExecutionResult, 'executionArn' | 'executionId'> {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  // ExecutionError wraps the state machine's error (a Fail state's Error/Cause, or an uncaught task error).
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (inner instanceof Error) return { status: 'FAILED', error: inner.name, cause: inner.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(inner) };
}
