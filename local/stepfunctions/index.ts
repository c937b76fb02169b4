export {
  type ExecutionRecord,
  type ExecutionStatus,
  ExecutionStore,
  type HistoryEvent,
} from './execution-store.js';
export type { LocalHandler } from './lambda-task.js';
export { StatesError } from './states-error.js';
export { createLocalPipelines, type LocalPipelines, type LocalPipelinesOptions } from './local-pipelines.js';
export {
  createLocalStateMachine,
  type ExecutionResult,
  type LocalStateMachine,
  type LocalStateMachineOptions,
  type StartedExecution,
  type StartOptions,
} from './local-state-machine.js';
export { localSubstitutions } from './local-substitutions.js';
export { buildTaskOverrides, listTaskStates, type TaskImplementations } from './task-overrides.js';
