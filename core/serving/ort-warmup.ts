import * as ort from 'onnxruntime-node';

/**
 * The smallest model onnxruntime accepts: `y = Identity(x)`, one float, opset 17 (what
 * `OnnxGraph` writes for that graph; tests/serving/ort-warmup.test.ts rebuilds it). Loading it
 * pays onnxruntime's per-process setup (environment, operator schemas, CPU kernel registry),
 * so the first real model's session is created without it.
 */
export const WARMUP_MODEL = Buffer.from(
  'CAgSBmNpcnJ1cxoFMC4xLjA6hAEKKwoBeBINaWRlbnRpdHlfb3V0MBoNSWRlbnRpdHlfbm9kZSIISWRlbnRpdHkKLQoNaWRlbnRpdHlfb3V0MBIBeRoPSWRlbnRpdHlfbm9kZV8xIghJZGVudGl0eRIEd2FybVoPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCAhAR',
  'base64',
);

let warming: Promise<void> | undefined;

/**
 * onnxruntime's per-process setup, done once (later calls share the first). It is main-thread
 * CPU: run it while the process waits on the network (lambdas/predict-warmup.ts), not before
 * the requests it could overlap are sent. Never rejects: a failure here resurfaces when the real model loads.
 */
export function warmUpOnnxRuntime(): Promise<void> {
  warming ??= ort.InferenceSession.create(WARMUP_MODEL, { intraOpNumThreads: 1, interOpNumThreads: 1 }).then(
    (session) => void session.release(),
    () => undefined,
  );
  return warming;
}
