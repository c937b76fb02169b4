import type { HistoryEvent } from './execution-store.js';

/** The fields of aws-local-stepfunctions' event log entries that the history keeps. */
export interface LibraryEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: {
    readonly name: string;
    readonly type: string;
    readonly input?: unknown;
    readonly output?: unknown;
  };
  readonly parentState?: { readonly name: string; readonly type: string };
  readonly index?: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly retry?: { readonly attempt: number };
}

/**
 * Turns one event of the library's `eventLogs` into a history entry. Map iterations keep their
 * index so the sweep's parallel variants stay tellable apart.
 */
export function toHistoryEvent(event: LibraryEvent, id: number): HistoryEvent {
  const state = event.state ?? event.parentState;
  return {
    id,
    type: event.type,
    timestamp: new Date(event.timestamp).toISOString(),
    ...(state ? { stateName: state.name, stateType: state.type } : {}),
    ...(event.index !== undefined ? { mapIndex: event.index } : {}),
    ...(event.state?.input !== undefined && event.type === 'StateEntered'
      ? { input: event.state.input }
      : {}),
    ...(event.state?.output !== undefined ? { output: event.state.output } : {}),
    ...(event.type === 'ExecutionStarted' ? { input: event.input } : {}),
    ...(event.type === 'ExecutionSucceeded' ? { output: event.output } : {}),
    ...(event.Error !== undefined ? { error: event.Error, cause: causeText(event.Cause) } : {}),
    ...(event.retry ? { retryAttempt: event.retry.attempt } : {}),
  };
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause ?? null);
}
