import * as ort from 'onnxruntime-node';
import type { ModelContract } from '../../contracts/model-contract.js';
import type { FeatureRow, Prediction } from '../../contracts/serving.js';
import { ValidationError } from '../errors.js';
import { predictRows } from '../pipeline/score-csv.js';

/** Names what onnxruntime refused in the user's file: an opset, an operator, or the file. */
function loadReason(message: string): { field: string; reason: string } {
  const first = message.split('\n')[0];
  if (/opset|onnx_version|IR version|ir_version/i.test(first))
    return { field: 'opset', reason: `unsupported opset or IR version (${first})` };
  if (
    /not a registered function\/op|Could not find an implementation|No Op registered|Unrecognized attribute/i.test(
      first,
    )
  )
    return { field: 'operator', reason: `unsupported operator (${first})` };
  if (/Protobuf parsing failed|failed:.*parse/i.test(first))
    return { field: 'file', reason: `not an ONNX model (${first})` };
  return { field: 'file', reason: `onnxruntime cannot load it (${first})` };
}

/** Loads ONNX bytes in onnxruntime-node; throws a ValidationError naming what it refused. */
export async function loadForImport(bytes: Uint8Array, what: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes);
  } catch (e) {
    const { field, reason } = loadReason((e as Error).message);
    throw new ValidationError(`${field}: ${what}: ${reason}`, field);
  }
}

function firstNaN(p: Prediction): string | undefined {
  if (p.value !== undefined && !Number.isFinite(p.value)) return `value ${p.value}`;
  for (const [c, v] of Object.entries(p.probabilities ?? {}))
    if (!Number.isFinite(v)) return `probability of '${c}' ${v}`;
  return undefined;
}

/**
 * Runs the adapted model over the reference rows (or one generated row) and refuses NaN or
 * infinite predictions, and probabilities whose rows do not sum to 1 (logits taken for
 * probabilities). Returns the predictions for scoring and the drift baseline.
 */
export async function checkPredictions(
  session: ort.InferenceSession,
  contract: ModelContract,
  rows: FeatureRow[],
  generated: boolean,
): Promise<Prediction[]> {
  const predictions = await predictRows(session, contract, rows);
  const what = (i: number) => (generated ? 'the generated row' : `reference row ${i + 1}`);
  predictions.forEach((p, i) => {
    const bad = firstNaN(p);
    if (bad) throw new ValidationError(`reference: ${what(i)} predicts ${bad}`, 'reference');
    if (p.probabilities) {
      const sum = Object.values(p.probabilities).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-3 || Object.values(p.probabilities).some((v) => v < 0)) {
        throw new ValidationError(
          `scores: ${what(i)}'s probabilities sum to ${sum.toPrecision(4)}, not 1: the outputs contradict probabilities (logits? pass --scores logits)`,
          'scores',
        );
      }
    }
  });
  return predictions;
}
