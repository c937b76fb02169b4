import type { CoreDeps } from '../../core/deps.js';
import { evaluate } from '../../core/pipeline/evaluate.js';
import { markFailed, markSucceeded } from '../../core/pipeline/mark-run.js';
import { prepare } from '../../core/pipeline/prepare.js';
import { register } from '../../core/pipeline/register.js';
import { validate } from '../../core/pipeline/validate.js';
import type { EventPublisher } from '../../core/ports.js';
import type { LambdaTask } from '../../statemachines/substitutions.js';
import { DEPLOY_STEPS, type PipelineStep } from './deploy-steps.js';

/** One pipeline step bound to its deps: the Lambda payload (the whole state) in, its result out. */
export type PipelineHandler = (payload: unknown) => Promise<unknown>;
export type PipelineHandlers = Readonly<Record<LambdaTask, PipelineHandler>>;

export interface PipelinePorts {
  /** Accepted so both runtimes wire the same ports; no pipeline step publishes an event yet. */
  readonly events?: EventPublisher;
}

/** The core function behind every Lambda task of both state machines. */
export const PIPELINE_STEPS: Readonly<Record<LambdaTask, PipelineStep>> = {
  Validate: validate,
  Prepare: prepare,
  Evaluate: evaluate,
  Register: register,
  ...DEPLOY_STEPS,
  MarkSucceeded: markSucceeded,
  MarkFailed: markFailed,
};

/**
 * Every pipeline step bound to `deps`: what the local interpreter runs. The deployed functions
 * (lambdas/pipeline/<step>.ts) run the same core functions but import only their own, so that
 * only Evaluate's bundle loads onnxruntime-node (the other functions do not ship it).
 *
 * @example
 * const pipelines = createLocalPipelines({ dataDir, handlers: createPipelineHandlers(deps, {}), trainingJob });
 */
export function createPipelineHandlers(deps: CoreDeps, _ports: PipelinePorts = {}): PipelineHandlers {
  const bind =
    (step: PipelineStep): PipelineHandler =>
    (payload) =>
      step(deps, payload);
  return {
    Validate: bind(PIPELINE_STEPS.Validate),
    Prepare: bind(PIPELINE_STEPS.Prepare),
    Evaluate: bind(PIPELINE_STEPS.Evaluate),
    Register: bind(PIPELINE_STEPS.Register),
    ApplyPolicy: bind(PIPELINE_STEPS.ApplyPolicy),
    StartAbTest: bind(PIPELINE_STEPS.StartAbTest),
    PickBest: bind(PIPELINE_STEPS.PickBest),
    MarkSucceeded: bind(PIPELINE_STEPS.MarkSucceeded),
    MarkFailed: bind(PIPELINE_STEPS.MarkFailed),
  };
}
