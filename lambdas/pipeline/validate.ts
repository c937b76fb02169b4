import { validate } from '../../core/pipeline/validate.js';
import { pipelineEntry } from './entry.js';

/** State `Validate`. */
export const handler = pipelineEntry({ Validate: validate });
