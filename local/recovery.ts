import type { CoreDeps } from '../core/deps.js';
import { getRun, listRuns, transitionRun } from '../core/tracking/index.js';
import type { ExecutionStore } from './stepfunctions/index.js';

export const INTERRUPTED_CAUSE = 'the local runtime stopped while this execution was running';

/**
 * After a restart, executions recorded as RUNNING belong to a process that is gone: mark them
 * ABORTED and fail their runs, so no run stays RUNNING forever (Step Functions would have kept
 * them going; an embedded runtime cannot, and says so rather than pretending).
 * @returns the ids of the executions it closed.
 */
export async function closeInterruptedExecutions(deps: CoreDeps, store: ExecutionStore): Promise<string[]> {
  const interrupted = (await store.list()).filter((record) => record.status === 'RUNNING');
  for (const record of interrupted) {
    const stopDate = deps.now().toISOString();
    await store.save({
      ...record,
      status: 'ABORTED',
      stopDate,
      error: 'Cirrus.Interrupted',
      cause: INTERRUPTED_CAUSE,
    });
    for (const runId of await runsOf(deps, record.executionId, record.input)) await failRun(deps, runId);
  }
  return interrupted.map((record) => record.executionId);
}

/**
 * The runs an execution owns: the one its input names (`runId`, also inside `request`), and
 * every run of its experiment recorded with its execution id (a sweep's variant runs, created
 * by the execution itself, are named nowhere in its input).
 */
async function runsOf(deps: CoreDeps, executionId: string, input: unknown): Promise<Set<string>> {
  const top = asObject(input);
  const request = asObject(top?.request);
  const ids = new Set<string>();
  for (const runId of [top?.runId, request?.runId]) if (typeof runId === 'string') ids.add(runId);
  const experiment = request?.experiment;
  if (typeof experiment !== 'string') return ids;
  let pageToken: string | undefined;
  do {
    const page = await listRuns(deps, { experiment, pageToken }).catch(() => undefined);
    for (const run of page?.runs ?? []) if (run.executionId === executionId) ids.add(run.id);
    pageToken = page?.nextToken;
  } while (pageToken);
  return ids;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

async function failRun(deps: CoreDeps, runId: string): Promise<void> {
  const run = await getRun(deps, { runId }).catch(() => undefined);
  if (!run || (run.status !== 'RUNNING' && run.status !== 'QUEUED')) return;
  await transitionRun(deps, {
    runId,
    status: 'FAILED',
    reason: INTERRUPTED_CAUSE,
    results: { error: INTERRUPTED_CAUSE },
  }).catch(() => undefined); // another writer finished it first: nothing to repair
}
