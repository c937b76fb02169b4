import { assembleBatch } from '../../core/batch/assemble.js';
import { markBatchFailed } from '../../core/batch/mark-failed.js';
import { scoreBatch } from '../../core/batch/score-batch.js';
import type { CoreDeps } from '../../core/deps.js';
import { EndpointResolver } from '../../core/serving/resolver.js';
import { SessionCache } from '../../core/serving/session-cache.js';
import type { BatchLambdaTask } from '../../statemachines/substitutions.js';

/**
 * The batch-predict state machine's tasks over `core/batch`, by task name: the local runtime
 * maps them onto the ASL's Lambda tasks. One session cache per process (per Lambda container),
 * so a child loads the pinned model once.
 */
export function createBatchHandlers(
  deps: CoreDeps,
): Record<BatchLambdaTask, (payload: unknown) => Promise<unknown>> {
  const ctx = { cache: new SessionCache(), resolver: new EndpointResolver() };
  return {
    ScoreBatch: (payload) => scoreBatch(deps, ctx, payload),
    AssembleBatch: (payload) => assembleBatch(deps, payload),
    MarkBatchFailed: (payload) => markBatchFailed(deps, payload),
  };
}
