import type { CoreDeps } from '../core/deps.js';
import { getRun, transitionRun } from '../core/tracking/index.js';
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
    const runId = runIdOf(record.input);
    if (runId) await failRun(deps, runId);
  }
  return interrupted.map((record) => record.executionId);
}

function runIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const runId = (input as { runId?: unknown }).runId;
  return typeof runId === 'string' ? runId : undefined;
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
