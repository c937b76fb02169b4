import type { CoreDeps } from '../../core/deps.js';
import { retrainOnEvent } from '../../core/events/retrain-target.js';
import type { RetrainResult } from '../../core/pipeline/retrain.js';
import type { TrainerPolicy } from '../../core/pipeline/custom-trainer.js';
import type { PipelineRunner } from '../../core/ports.js';
import { lambdaDeps, lambdaPipelineRunner } from '../env.js';
import { trainerPolicyFromEnv } from '../trainer-policy-env.js';

/** The handler over given deps (tests hand emulator deps and a local runner). */
export function createRetrainHandler(
  deps: () => CoreDeps,
  runner: () => PipelineRunner,
  trainers: TrainerPolicy = trainerPolicyFromEnv(),
) {
  return async (event: unknown): Promise<Pick<RetrainResult, 'runId' | 'executionId'>> => {
    const { runId, executionId } = await retrainOnEvent({ ...deps(), trainers }, runner(), event);
    console.log(
      JSON.stringify({
        message: 'retraining started',
        runId,
        executionId,
        trigger: (event as { 'detail-type'?: unknown })?.['detail-type'],
      }),
    );
    return { runId, executionId };
  };
}

/**
 * Target of the `DriftDetected` and `RetrainRequested` rules and of every retraining schedule:
 * replays the experiment's last request, a single run or a sweep (core/pipeline/retrain.ts).
 */
export const handler = createRetrainHandler(lambdaDeps, lambdaPipelineRunner);
