import type { Prediction } from '../../contracts/serving.js';

/**
 * A served prediction as drift compares it with the baseline: the class label as a string
 * (classifiers), the value (regressors), the cluster as a string (k-means). The same mapping as
 * `predictionValue` in core/pipeline/score-csv.ts, which builds the baseline (a test pins the two
 * together); kept here because score-csv loads onnxruntime, which the drift function does not ship.
 */
export function loggedPrediction(p: Prediction): string | number | null {
  if (p.label !== undefined) return String(p.label);
  if (p.value !== undefined) return p.value;
  if (p.cluster !== undefined) return String(p.cluster);
  return null;
}
