import type { ExecutionEvent, ExecutionSummary, PipelineName, PipelineRunner } from '../core/ports.js';
import { NotFoundError } from '../core/errors.js';
import type { ExecutionRecord, HistoryEvent, LocalPipelines } from './stepfunctions/index.js';

/** Settles when each execution this process started ends (the runtime drains them on stop). */
export interface LocalPipelineRunner extends PipelineRunner {
  /** Waits for every execution started through this runner to end. */
  drain(): Promise<void>;
  /** Waits for one execution (tests and the demo). */
  wait(executionId: string): Promise<ExecutionSummary>;
}

/**
 * The PipelineRunner port over the local Step Functions interpreter: what the API and the event
 * rules call to start a training run offline, exactly as they call StartExecution on AWS.
 */
export function localPipelineRunner(pipelines: LocalPipelines): LocalPipelineRunner {
  const inFlight = new Map<string, Promise<unknown>>();
  return {
    async start(pipeline: PipelineName, name: string, input: unknown) {
      const machine = pipelines[pipeline];
      if (!machine) throw new Error(`the local runtime has no '${pipeline}' state machine`);
      const started = await machine.start(input, { name });
      const done = started.done.finally(() => inFlight.delete(started.executionId));
      inFlight.set(started.executionId, done);
      return { executionId: started.executionId };
    },
    async describe(executionId: string) {
      const record = await pipelines.executions.get(executionId);
      if (!record) throw new NotFoundError('execution', executionId);
      return { ...summarize(record), history: record.events.map(toExecutionEvent) };
    },
    async drain() {
      await Promise.allSettled([...inFlight.values()]);
    },
    async wait(executionId: string) {
      await inFlight.get(executionId);
      const record = await pipelines.executions.get(executionId);
      if (!record) throw new NotFoundError('execution', executionId);
      return summarize(record);
    },
  };
}

function summarize(record: ExecutionRecord): ExecutionSummary {
  return {
    executionId: record.executionId,
    status: record.status,
    startedAt: record.startDate,
    ...(record.stopDate ? { stoppedAt: record.stopDate } : {}),
    ...(record.error ? { error: record.error } : {}),
    ...(record.cause ? { cause: record.cause } : {}),
  };
}

function toExecutionEvent(event: HistoryEvent): ExecutionEvent {
  return {
    type: event.type,
    at: event.timestamp,
    ...(event.stateName ? { state: event.stateName } : {}),
    ...(event.mapIndex !== undefined ? { mapIndex: event.mapIndex } : {}),
    ...(event.input !== undefined ? { input: event.input } : {}),
    ...(event.output !== undefined ? { output: event.output } : {}),
    ...(event.error ? { error: event.error } : {}),
    ...(event.cause ? { cause: event.cause } : {}),
  };
}
