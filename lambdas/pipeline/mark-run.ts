import {
  markFailed as markFailedStep,
  markSucceeded as markSucceededStep,
} from '../../core/pipeline/mark-run.js';
import { pipelineEntry } from './entry.js';

/**
 * States `MarkSucceeded` and `MarkFailed`: one function, the task picked from the payload (a
 * caught `error` means MarkFailed). The per-task exports serve a function wired to one state.
 */
export const handler = pipelineEntry({ MarkSucceeded: markSucceededStep, MarkFailed: markFailedStep });
export const markSucceeded = pipelineEntry({ MarkSucceeded: markSucceededStep });
export const markFailed = pipelineEntry({ MarkFailed: markFailedStep });
