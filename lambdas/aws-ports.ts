import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { NotFoundError } from '../core/errors.js';
import { EVENT_SOURCE } from '../core/events/rules.js';
import type {
  EventPublisher,
  ExecutionEvent,
  ExecutionSummary,
  PipelineName,
  PipelineRunner,
} from '../core/ports.js';

export interface SfnPipelineRunnerOptions {
  readonly client: Pick<SFNClient, 'send'>;
  /** The deployed state machines; a pipeline without one cannot be started. */
  readonly stateMachineArns: Readonly<Partial<Record<PipelineName, string>>>;
}

/**
 * The PipelineRunner port on Step Functions. An execution's id is its ARN (what DescribeExecution
 * takes); a bare execution name is also accepted and looked up on each state machine.
 */
export function sfnPipelineRunner(options: SfnPipelineRunnerOptions): PipelineRunner {
  const { client, stateMachineArns } = options;
  return {
    async start(pipeline, name, input) {
      const stateMachineArn = stateMachineArns[pipeline];
      if (!stateMachineArn) throw new Error(`no state machine ARN configured for pipeline '${pipeline}'`);
      const started = await client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return { executionId: started.executionArn ?? executionArnOf(stateMachineArn, name) };
    },
    async describe(executionId) {
      const described = await describeAny(client, candidates(executionId, stateMachineArns));
      if (!described) throw new NotFoundError('execution', executionId);
      const history = await historyOf(client, described.executionArn ?? executionId);
      return { ...summaryOf(executionId, described), history };
    },
  };
}

/** `arn:aws:states:r:a:stateMachine:M` + name → `arn:aws:states:r:a:execution:M:name`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

function candidates(executionId: string, arns: Partial<Record<PipelineName, string>>): string[] {
  if (executionId.startsWith('arn:')) return [executionId];
  return Object.values(arns).flatMap((arn) => (arn ? [executionArnOf(arn, executionId)] : []));
}

async function describeAny(
  client: Pick<SFNClient, 'send'>,
  executionArns: readonly string[],
): Promise<DescribeExecutionCommandOutput | undefined> {
  for (const executionArn of executionArns) {
    try {
      return await client.send(new DescribeExecutionCommand({ executionArn }));
    } catch (error) {
      if (!(error instanceof ExecutionDoesNotExist || (error as Error).name === 'ExecutionDoesNotExist'))
        throw error;
    }
  }
  return undefined;
}

function summaryOf(executionId: string, d: DescribeExecutionCommandOutput): ExecutionSummary {
  // PENDING_REDRIVE is a failed execution that may be redriven: failed, as far as a run goes.
  const status = d.status === 'PENDING_REDRIVE' || !d.status ? 'FAILED' : d.status;
  return {
    executionId,
    status,
    startedAt: (d.startDate ?? new Date(0)).toISOString(),
    ...(d.stopDate ? { stoppedAt: d.stopDate.toISOString() } : {}),
    ...(d.error ? { error: d.error } : {}),
    ...(d.cause ? { cause: d.cause } : {}),
  };
}

async function historyOf(client: Pick<SFNClient, 'send'>, executionArn: string): Promise<ExecutionEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({
        executionArn,
        nextToken,
        maxResults: 1000,
        includeExecutionData: true,
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return toExecutionEvents(events);
}

const ITERATION_EVENT = /^MapIteration(Started|Succeeded|Failed|Aborted)$/;
// A Task state's own events (TaskScheduled, TaskFailed, LambdaFunctionFailed, …) carry no state name.
const TASK_EVENT = /^(?:Task|LambdaFunction|Activity)(?!State)[A-Z]/;

/**
 * A whole history in the local shape, each event inside a Map iteration tagged with its
 * `mapIndex` (the sweep's branch). Step Functions names the iteration only on its
 * `MapIteration*` events (`mapIterationStartedEventDetails.index`); an event inside it is found
 * by following `previousEventId` back to its `MapIterationStarted`. An iteration's closing
 * event ends the chain, so the Map's own `MapStateSucceeded`/`Exited` stay at the top level.
 * A Task state's events (`TaskFailed`, …) name no state: they take the state their chain entered,
 * so a failed training job colours its own node.
 */
export function toExecutionEvents(events: readonly HistoryEvent[]): ExecutionEvent[] {
  const within = new Map<number, number>(); // event id → the iteration its successors are in
  const stateAt = new Map<number, string>(); // event id → the state its chain is in
  return [...events]
    .sort((a, b) => (a.id ?? 0) - (b.id ?? 0))
    .map((event) => {
      const named = toExecutionEvent(event);
      const state =
        named.state ??
        (TASK_EVENT.test(String(event.type)) ? stateAt.get(event.previousEventId ?? -1) : undefined);
      if (state !== undefined && event.id !== undefined) stateAt.set(event.id, state);
      const mapped = state === undefined || named.state ? named : { ...named, state };
      const iteration = ITERATION_EVENT.exec(String(event.type));
      const index = iteration
        ? iterationIndexOf(event)
        : event.previousEventId !== undefined
          ? within.get(event.previousEventId)
          : undefined;
      if (index !== undefined && event.id !== undefined && (!iteration || iteration[1] === 'Started'))
        within.set(event.id, index);
      return index === undefined ? mapped : { ...mapped, mapIndex: index };
    });
}

function iterationIndexOf(event: HistoryEvent): number | undefined {
  const details =
    event.mapIterationStartedEventDetails ??
    event.mapIterationSucceededEventDetails ??
    event.mapIterationFailedEventDetails ??
    event.mapIterationAbortedEventDetails;
  return details?.index;
}

// `TaskStateEntered`, `ChoiceStateExited`, …: the local interpreter says `StateEntered` / `StateExited`.
const STATE_EVENT = /^(?:Task|Choice|Pass|Map|Parallel|Wait|Succeed|Fail)State(Entered|Exited)$/;

/** A Step Functions history event in the shape the local runtime records (ports.ts). */
export function toExecutionEvent(event: HistoryEvent): ExecutionEvent {
  const type = String(event.type ?? 'Unknown');
  const details = Object.entries(event).find(([key]) => key.endsWith('EventDetails'))?.[1] as
    | { name?: string; input?: string; output?: string; error?: string; cause?: string }
    | undefined;
  return {
    type: type.replace(STATE_EVENT, 'State$1'),
    at: (event.timestamp ?? new Date(0)).toISOString(),
    ...(details?.name ? { state: details.name } : {}),
    ...(details?.input !== undefined ? { input: parseJson(details.input) } : {}),
    ...(details?.output !== undefined ? { output: parseJson(details.output) } : {}),
    ...(details?.error !== undefined ? { error: details.error } : {}),
    ...(details?.cause !== undefined ? { cause: details.cause } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface EventBridgePublisherOptions {
  readonly client: Pick<EventBridgeClient, 'send'>;
  readonly eventBusName: string;
  /** @default EVENT_SOURCE ('cirrus') */
  readonly source?: string;
}

/** The EventPublisher port on EventBridge: one PutEvents entry per event; a rejected entry throws. */
export function eventBridgePublisher(options: EventBridgePublisherOptions): EventPublisher {
  return {
    async publish(detailType, detail) {
      const result = await options.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: options.eventBusName,
              Source: options.source ?? EVENT_SOURCE,
              DetailType: detailType,
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      );
      const rejected = result.Entries?.find((e) => e.ErrorCode);
      if ((result.FailedEntryCount ?? 0) > 0 || rejected) {
        throw new Error(
          `EventBridge rejected ${detailType}: ${rejected?.ErrorCode} ${rejected?.ErrorMessage ?? ''}`.trim(),
        );
      }
    },
  };
}
