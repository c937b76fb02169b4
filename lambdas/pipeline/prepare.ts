import { prepare } from '../../core/pipeline/prepare.js';
import { pipelineEntry } from './entry.js';

/** State `Prepare`. */
export const handler = pipelineEntry({ Prepare: prepare });
