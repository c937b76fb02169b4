import { pipelineEntry } from './entry.js';

/**
 * States `MarkSucceeded` and `MarkFailed` (core/pipeline/mark-run.ts): one function, the task
 * picked from the payload (a caught `error` means MarkFailed). The per-task exports serve a
 * function wired to one state.
 */
export const handler = pipelineEntry('MarkSucceeded', 'MarkFailed');
export const markSucceeded = pipelineEntry('MarkSucceeded');
export const markFailed = pipelineEntry('MarkFailed');
