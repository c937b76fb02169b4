import { pipelineEntry } from './entry.js';

/** State `Prepare` (core/pipeline/prepare.ts). */
export const handler = pipelineEntry('Prepare');
