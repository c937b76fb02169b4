import { pipelineEntry } from './entry.js';

/** State `Register` (core/pipeline/register.ts). */
export const handler = pipelineEntry('Register');
