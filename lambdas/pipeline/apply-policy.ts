import { pipelineEntry } from './entry.js';

/**
 * States `ApplyPolicy`, `StartAbTest` and `PickBest` (core/pipeline/deploy.ts): one function,
 * the task picked from the payload. The per-task exports serve a function wired to one state.
 */
export const handler = pipelineEntry('ApplyPolicy', 'StartAbTest', 'PickBest');
export const applyPolicy = pipelineEntry('ApplyPolicy');
export const startAbTest = pipelineEntry('StartAbTest');
export const pickBest = pipelineEntry('PickBest');
