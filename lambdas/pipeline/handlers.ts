import type { CoreDeps } from '../../core/deps.js';
import { applyPolicy, pickBest } from '../../core/pipeline/deploy.js';
import { evaluate } from '../../core/pipeline/evaluate.js';
import { markFailed, markSucceeded } from '../../core/pipeline/mark-run.js';
import { prepare } from '../../core/pipeline/prepare.js';
import { register } from '../../core/pipeline/register.js';
import { startPipelineAbTest } from '../../core/pipeline/start-ab-test.js';
import { validate } from '../../core/pipeline/validate.js';
import type { EventPublisher } from '../../core/ports.js';
import type { LambdaTask } from '../../statemachines/substitutions.js';

/** One pipeline step: the Lambda payload (the whole state) in, the step's result out. */
export type PipelineHandler = (payload: unknown) => Promise<unknown>;
export type PipelineHandlers = Readonly<Record<LambdaTask, PipelineHandler>>;

export interface PipelinePorts {
  /** Accepted so both runtimes wire the same ports; no pipeline step publishes an event yet. */
  readonly events?: EventPublisher;
}

/**
 * The code behind every Lambda task of both state machines, bound to `deps`: the deployed
 * functions (lambdas/pipeline/*.ts) and the local interpreter run exactly these.
 *
 * @example
 * const pipelines = createLocalPipelines({ dataDir, handlers: createPipelineHandlers(deps, {}), trainingJob });
 */
export function createPipelineHandlers(deps: CoreDeps, _ports: PipelinePorts = {}): PipelineHandlers {
  return {
    Validate: (p) => validate(deps, p),
    Prepare: (p) => prepare(deps, p),
    Evaluate: (p) => evaluate(deps, p),
    Register: (p) => register(deps, p),
    ApplyPolicy: (p) => applyPolicy(deps, p, startPipelineAbTest),
    StartAbTest: (p) => applyPolicy(deps, p, startPipelineAbTest),
    PickBest: (p) => pickBest(deps, p, startPipelineAbTest),
    MarkSucceeded: (p) => markSucceeded(deps, p),
    MarkFailed: (p) => markFailed(deps, p),
  };
}

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
