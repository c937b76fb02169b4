import type { S3Client } from '@aws-sdk/client-s3';
import { ExecutionStore } from './execution-store.js';
import { createLocalStateMachine, type LocalStateMachine } from './local-state-machine.js';
import type { TaskImplementations } from './task-overrides.js';

export interface LocalPipelinesOptions extends TaskImplementations {
  readonly dataDir: string;
  /** @default the ASL's retry intervals */
  readonly retryIntervalMs?: number;
  /** The S3 the batch machine's Distributed Map reads and writes; without it there is no batch machine. */
  readonly s3?: S3Client;
}

/** The state machines over one execution store: what the local runtime serves. */
export interface LocalPipelines {
  readonly training: LocalStateMachine;
  readonly sweep: LocalStateMachine;
  /** Present when `s3` and the batch handlers were given. */
  readonly batch?: LocalStateMachine;
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
    ...(options.s3 ? { batch: createLocalStateMachine({ ...shared, definition: 'batch' }) } : {}),
    executions,
  };
}
