import type { CoreDeps } from '../../core/deps.js';
import { applyPolicy, pickBest } from '../../core/pipeline/deploy.js';
import { startPipelineAbTest } from '../../core/pipeline/start-ab-test.js';

/** A pipeline step as core/ shapes it: deps and the Lambda payload (the whole state) in. */
export type PipelineStep = (deps: CoreDeps, payload: unknown) => Promise<unknown>;

/** The deploy-policy steps, with the `ab_test` policy wired to the A/B test lifecycle. */
export const DEPLOY_STEPS = {
  ApplyPolicy: (deps, p) => applyPolicy(deps, p, startPipelineAbTest),
  StartAbTest: (deps, p) => applyPolicy(deps, p, startPipelineAbTest),
  PickBest: (deps, p) => pickBest(deps, p, startPipelineAbTest),
} as const satisfies Record<string, PipelineStep>;
