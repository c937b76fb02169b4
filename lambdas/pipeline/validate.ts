import { pipelineEntry } from './entry.js';

/** State `Validate` (core/pipeline/validate.ts). */
export const handler = pipelineEntry('Validate');
