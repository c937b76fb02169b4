export { attr, type Attr } from './attributes.js';
export { OnnxGraph, OPSET, ML_OPSET, ML_DOMAIN, type ValueSpec, type ModelOptions } from './graph.js';
export type { TensorSpec } from './tensor.js';
