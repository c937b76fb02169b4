import { ExecutionStore } from './execution-store.js';
import { createLocalStateMachine, type LocalStateMachine } from './local-state-machine.js';
import type { TaskImplementations } from './task-overrides.js';

export interface LocalPipelinesOptions extends TaskImplementations {
  readonly dataDir: string;
  /** @default the ASL's retry intervals */
  readonly retryIntervalMs?: number;
}

/** Both training state machines over one execution store: what the local runtime serves. */
export interface LocalPipelines {
  readonly training: LocalStateMachine;
  readonly sweep: LocalStateMachine;
  readonly executions: ExecutionStore;
}

/**
 * The seam where the local runtime wires the real pipeline handlers in:
 *
 * @example
 * const pipelines = createLocalPipelines({
 *   dataDir,
 *   handlers: { Validate: (p) => validate(deps, p), Prepare: (p) => prepare(deps, p), ... },
 *   trainingJob: createTrainingJobRunner(deps, { dataDir }),
 * });
 * const { executionId } = await pipelines.training.start({ runId, request });
 */
export function createLocalPipelines(options: LocalPipelinesOptions): LocalPipelines {
  const executions = new ExecutionStore(options.dataDir);
  const shared = { ...options, store: executions };
  return {
    training: createLocalStateMachine({ ...shared, definition: 'training' }),
    sweep: createLocalStateMachine({ ...shared, definition: 'sweep' }),
    executions,
  };
}
