import {
  type AnyLambdaTask,
  BATCH_LAMBDA_TASKS,
  functionArnSubstitution,
  LAMBDA_TASKS,
  type Substitutions,
} from '../../statemachines/substitutions.js';
import { type LocalHandler, lambdaInvokeTask } from './lambda-task.js';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
export const SAGEMAKER_TRAINING_SYNC = 'arn:aws:states:::sagemaker:createTrainingJob.sync';

/** Local code for each Lambda task (by function) and for the SageMaker training job. */
export interface TaskImplementations {
  readonly handlers: Readonly<Partial<Record<AnyLambdaTask, LocalHandler>>>;
  readonly trainingJob: (request: unknown) => Promise<unknown>;
}

export interface TaskState {
  readonly name: string;
  readonly resource: string;
  readonly functionName?: string;
  readonly retries: boolean;
}

type Json = Record<string, unknown>;

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every Task state of a definition, including those inside Map and Parallel states. */
export function listTaskStates(definition: unknown): TaskState[] {
  const states = isJson(definition) && isJson(definition.States) ? definition.States : {};
  return Object.entries(states).flatMap(([name, state]): TaskState[] => {
    if (!isJson(state)) return [];
    const nested = [
      state.ItemProcessor,
      state.Iterator,
      ...(Array.isArray(state.Branches) ? state.Branches : []),
    ];
    const inner = nested.flatMap((machine) => (machine ? listTaskStates(machine) : []));
    if (state.Type !== 'Task') return inner;
    const params = isJson(state.Parameters) ? state.Parameters : {};
    const functionName = typeof params.FunctionName === 'string' ? params.FunctionName : undefined;
    const own = { name, resource: String(state.Resource), functionName, retries: Array.isArray(state.Retry) };
    return [own, ...inner];
  });
}

/**
 * Builds aws-local-stepfunctions' `taskResourceLocalHandlers` (keyed by state name) from what
 * each Task state calls: a Lambda task runs the handler of the function its rendered
 * `FunctionName` names, the SageMaker task runs the local training job. Fails on any task it
 * cannot run locally, so nothing silently calls AWS.
 */
export function buildTaskOverrides(
  definition: unknown,
  substitutions: Substitutions,
  impl: TaskImplementations,
): Record<string, (input: unknown) => Promise<unknown>> {
  const byArn = new Map<string, AnyLambdaTask>();
  for (const task of [...LAMBDA_TASKS, ...BATCH_LAMBDA_TASKS]) {
    const arn = substitutions[functionArnSubstitution(task)];
    if (arn !== undefined) byArn.set(arn, task);
  }
  const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
  const problems: string[] = [];
  for (const state of listTaskStates(definition)) {
    if (state.resource === SAGEMAKER_TRAINING_SYNC) {
      overrides[state.name] = impl.trainingJob;
      continue;
    }
    const task =
      state.resource === LAMBDA_INVOKE && state.functionName ? byArn.get(state.functionName) : undefined;
    const handler = task ? impl.handlers[task] : undefined;
    if (handler) overrides[state.name] = lambdaInvokeTask(handler);
    else if (task) problems.push(`${state.name}: no local handler for '${task}'`);
    else problems.push(`${state.name}: cannot run ${state.resource} ${state.functionName ?? ''} locally`);
  }
  if (problems.length > 0) throw new Error(`local state machine: ${problems.join('; ')}`);
  return overrides;
}
