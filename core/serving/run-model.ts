import type { Prediction } from '../../contracts/serving.js';
import { buildInputTensors, decodeOutputs, type RowSource } from '../ml/onnx-io.js';
import type { LoadedModel } from './session-cache.js';

/**
 * Validates rows against the loaded model's contract, runs its session and decodes the answer.
 * Throws a ValidationError naming the field before inference when a row is wrong.
 */
export async function runModel(loaded: LoadedModel, source: RowSource): Promise<Prediction[]> {
  const feeds = buildInputTensors(loaded.contract, source);
  // Only feed the inputs the graph declares: a contract never has more groups than the graph.
  const inputs = Object.fromEntries(loaded.session.inputNames.map((name) => [name, feeds[name]]));
  const outputs = await loaded.session.run(inputs);
  try {
    return decodeOutputs(loaded.contract, outputs, source.rows.length);
  } finally {
    for (const t of Object.values(outputs)) t.dispose();
  }
}
