import { evaluate } from '../../core/pipeline/evaluate.js';
import { pipelineEntry } from './entry.js';

/** State `Evaluate` (the one pipeline function that loads onnxruntime-node, from its layer). */
export const handler = pipelineEntry({ Evaluate: evaluate });
