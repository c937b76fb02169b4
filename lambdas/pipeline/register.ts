import { register } from '../../core/pipeline/register.js';
import { pipelineEntry } from './entry.js';

/** State `Register`. */
export const handler = pipelineEntry({ Register: register });
