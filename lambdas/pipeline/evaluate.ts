import { pipelineEntry } from './entry.js';

/** State `Evaluate` (core/pipeline/evaluate.ts; onnxruntime-node comes from the layer). */
export const handler = pipelineEntry('Evaluate');
