import type { LambdaTask } from '../../statemachines/substitutions.js';

/**
 * Which task a payload is for, where one function serves several (infra/constructs/
 * pipeline-functions.ts): a caught error makes it MarkFailed's state (every Catch writes
 * `$.error`), the sweep's `variants` PickBest's. ApplyPolicy and StartAbTest run the same code.
 */
export function taskOfPayload(payload: unknown, tasks: readonly LambdaTask[]): LambdaTask {
  const has = (key: string) => typeof payload === 'object' && payload !== null && key in payload;
  if (tasks.includes('MarkFailed') && has('error')) return 'MarkFailed';
  if (tasks.includes('PickBest') && has('variants')) return 'PickBest';
  const task = tasks.find((t) => t !== 'MarkFailed' && t !== 'PickBest');
  if (!task) throw new Error(`no task of ${tasks.join(', ')} matches the payload`);
  return task;
}
