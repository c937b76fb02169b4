import { DEPLOY_STEPS } from './deploy-steps.js';
import { pipelineEntry } from './entry.js';

/**
 * States `ApplyPolicy`, `StartAbTest` and `PickBest`: one function, the task picked from the
 * payload. The per-task exports serve a function wired to one state.
 */
export const handler = pipelineEntry(DEPLOY_STEPS);
export const applyPolicy = pipelineEntry({ ApplyPolicy: DEPLOY_STEPS.ApplyPolicy });
export const startAbTest = pipelineEntry({ StartAbTest: DEPLOY_STEPS.StartAbTest });
export const pickBest = pipelineEntry({ PickBest: DEPLOY_STEPS.PickBest });
