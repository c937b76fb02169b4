import type { RunOptions } from 'aws-local-stepfunctions';
import { applyTemplate, readPath } from './payload-template.js';
import { StatesError } from './states-error.js';

type State = Record<string, unknown>;
type Handler = (input: unknown) => Promise<unknown>;

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxAttempts?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: string;
}

/** The only fields a child Task may have for the direct path; anything else goes to the interpreter. */
const DIRECT_FIELDS = new Set([
  'Type',
  'Comment',
  'Resource',
  'Parameters',
  'OutputPath',
  'Retry',
  'End',
  'TimeoutSeconds',
]);
const DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * A Distributed Map's ItemProcessor that is one Task state (Parameters, OutputPath, Retry, End),
 * as batch-predict.asl.json's children are, run directly: the interpreter's per-state JSON
 * clones and schema checks cost more than scoring a batch. Same semantics as the interpreter
 * for these fields (payload template, Retry with ErrorEquals/States.ALL/States.TaskFailed,
 * IntervalSeconds x BackoffRate^n capped by MaxDelaySeconds, FULL jitter, MaxAttempts,
 * TimeoutSeconds default 60 -> States.Timeout). Returns undefined for any other shape.
 */
export function directChild(
  processor: State,
  runOptions: RunOptions,
): ((input: unknown, context: unknown) => Promise<unknown>) | undefined {
  const states = processor.States as Record<string, State> | undefined;
  const name = String(processor.StartAt);
  const state = states?.[name];
  if (!states || Object.keys(states).length !== 1 || !state || state.Type !== 'Task' || state.End !== true)
    return undefined;
  if (Object.keys(state).some((field) => !DIRECT_FIELDS.has(field))) return undefined;
  const handler = runOptions.overrides?.taskResourceLocalHandlers?.[name] as Handler | undefined;
  if (!handler) return undefined;
  const retriers = (state.Retry ?? []) as Retrier[];
  const override = runOptions.overrides?.retryIntervalOverrides?.[name];
  const timeoutMs = ((state.TimeoutSeconds as number | undefined) ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
  // Paths into the input read it by property: then the handler gets the plain JSON, raw CSV rows
  // (core/batch/csv-row.ts) materialized; `$` alone passes the input as it is.
  const plain = !readsWholeInputOnly(state.Parameters);
  return async (input, context) => {
    const given = plain ? JSON.parse(JSON.stringify(input)) : input;
    const effective =
      state.Parameters === undefined ? given : applyTemplate(state.Parameters, given, context);
    const attempts = retriers.map(() => 0);
    for (;;) {
      try {
        const result = await withTimeout(handler(effective), timeoutMs);
        return typeof state.OutputPath === 'string' ? readPath(state.OutputPath, result, context) : result;
      } catch (error) {
        const wait = retryWait(retriers, attempts, error, override);
        if (wait === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
}

/** True when every path of a Parameters template is `$` or a context path (`$$...`). */
function readsWholeInputOnly(template: unknown): boolean {
  if (Array.isArray(template)) return template.every(readsWholeInputOnly);
  if (typeof template !== 'object' || template === null) return true;
  return Object.entries(template).every(([key, value]) =>
    key.endsWith('.$') ? value === '$' || String(value).startsWith('$$') : readsWholeInputOnly(value),
  );
}

/** Milliseconds before the next attempt, or undefined when no retrier matches or attempts are spent. */
function retryWait(
  retriers: readonly Retrier[],
  attempts: number[],
  error: unknown,
  override: number | number[] | undefined,
): number | undefined {
  const errorName = error instanceof Error ? error.name : 'Error';
  for (let i = 0; i < retriers.length; i++) {
    const r = retriers[i];
    const matches = r.ErrorEquals.some(
      (e) =>
        e === errorName ||
        e === 'States.ALL' ||
        (e === 'States.TaskFailed' && errorName !== 'States.Timeout'),
    );
    if (!matches) continue;
    if (attempts[i] >= (r.MaxAttempts ?? 3)) return undefined;
    const fixed = typeof override === 'number' ? override : override?.[i];
    const base = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, attempts[i]);
    attempts[i]++;
    if (fixed !== undefined && fixed >= 0) return fixed;
    const capped = Math.max(0, Math.min(base, r.MaxDelaySeconds ?? Number.POSITIVE_INFINITY)) * 1000;
    return r.JitterStrategy === 'FULL' ? Math.random() * capped : capped;
  }
  return undefined;
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StatesError('States.Timeout', 'The task timed out')), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
