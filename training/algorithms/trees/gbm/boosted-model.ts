import type { Predictions } from '../../types.js';
import { type EnsembleOutput, linkSums, TreeEnsembleModel } from '../ensemble.js';
import type { Tree } from '../tree.js';

/** The same link with the baseline already inside the scores. */
function withoutBase(o: EnsembleOutput): EnsembleOutput {
  switch (o.kind) {
    case 'proba':
      return o;
    case 'value':
    case 'sigmoid':
      return { kind: o.kind, base: 0 };
    case 'softmax':
      return { kind: 'softmax', base: new Float32Array(o.base.length), scale: o.scale };
  }
}

/**
 * A boosted ensemble that remembers its training rows' final raw scores (baseline included,
 * row-major, rounded to float32 from the booster's float64 sums), so the trainer's metrics on
 * the training rows need no second pass over the trees. Those predictions differ from
 * `predict` on the same rows by float32 rounding only: `predict` sums float32 leaves in float32.
 */
export class BoostedTreesModel extends TreeEnsembleModel {
  constructor(
    trees: readonly Tree[],
    output: EnsembleOutput,
    private readonly trainingScores: Float32Array,
  ) {
    super(trees, output);
  }

  /** Predictions for the rows the model was fitted on, in their order, from the booster's scores. */
  trainingPredictions(): Predictions {
    const o = this.output;
    const outputs = o.kind === 'softmax' ? o.base.length : 1;
    return linkSums(this.trainingScores, this.trainingScores.length / outputs, withoutBase(o));
  }
}

/** Raw scores laid out per output (`raw[k * n + r]`) as row-major float32 (`[r * K + k]`). */
export function rowMajorScores(raw: Float64Array, n: number, K: number): Float32Array {
  if (K === 1) return new Float32Array(raw);
  const out = new Float32Array(n * K);
  for (let k = 0; k < K; k++) for (let r = 0; r < n; r++) out[r * K + k] = raw[k * n + r];
  return out;
}
