import { createRequire } from 'node:module';
import type * as Ort from 'onnxruntime-node';

/**
 * The predict function's stand-in for `onnxruntime-node` (an esbuild alias in its bundle only,
 * infra/constructs/predict-bundle.ts): the same package, loaded by `require` rather than by an ES
 * module import. Node imports a CommonJS package into an ES module by lexing its source, and that
 * of each module it re-exports (onnxruntime-common), for their export names: CPU the cold start
 * spent before its first answer. Every export of the package is re-exported by name.
 */
const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof Ort;

export const {
  InferenceSession,
  Tensor,
  env,
  listSupportedBackends,
  registerBackend,
  TRACE,
  TRACE_FUNC_BEGIN,
  TRACE_FUNC_END,
  TRACE_EVENT_BEGIN,
  TRACE_EVENT_END,
} = ort;
