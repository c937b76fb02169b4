import { type SgdParams, SgdParamsSchema } from '../../../contracts/hyperparameters/kernel.js';
import { ValidationError } from '../../../core/errors.js';
import { createRng, deriveSeed, type Rng } from '../../../core/ml/random.js';
import { linearFitted } from '../kernel/linear-head.js';
import type { Algorithm, FitData, Matrix } from '../types.js';
import { oneVsRest } from './linear-svc.js';

type Loss = Exclude<SgdParams['loss'], 'default'>;
const CLASSIFICATION_LOSSES: readonly Loss[] = ['hinge', 'log_loss', 'squared_error', 'huber'];
const REGRESSION_LOSSES: readonly Loss[] = ['squared_error', 'huber', 'epsilon_insensitive'];

/** Loss and its derivative in the prediction p, for target y (±1 for classes). */
function lossFn(
  loss: Loss,
  epsilon: number,
): { loss(p: number, y: number): number; dloss(p: number, y: number): number } {
  switch (loss) {
    case 'hinge':
      return { loss: (p, y) => Math.max(0, 1 - p * y), dloss: (p, y) => (p * y <= 1 ? -y : 0) };
    case 'log_loss':
      return {
        loss: (p, y) => (p * y > 18 ? Math.exp(-p * y) : p * y < -18 ? -p * y : Math.log1p(Math.exp(-p * y))),
        dloss: (p, y) => -y / (Math.exp(p * y) + 1),
      };
    case 'squared_error':
      return { loss: (p, y) => 0.5 * (p - y) ** 2, dloss: (p, y) => p - y };
    case 'huber':
      return {
        loss: (p, y) =>
          Math.abs(p - y) <= epsilon ? 0.5 * (p - y) ** 2 : epsilon * Math.abs(p - y) - 0.5 * epsilon ** 2,
        dloss: (p, y) => Math.max(-epsilon, Math.min(epsilon, p - y)),
      };
    case 'epsilon_insensitive':
      return {
        loss: (p, y) => Math.max(0, Math.abs(y - p) - epsilon),
        dloss: (p, y) => (y - p > epsilon ? -1 : p - y > epsilon ? 1 : 0),
      };
  }
}

/**
 * Plain SGD as scikit-learn's `_plain_sgd` (dense, L2, not averaged): per row, shrink the
 * weights by (1 - eta·alpha), step along -eta·dloss·x; `optimal` rate 1/(alpha (t0 + t)) with
 * Bottou's t0 for classifiers, `invscaling` eta0 / t^power_t for regressors. Stops when the
 * epoch's summed loss has not improved by tol·n for n_iter_no_change epochs. Returns [w, b].
 */
export function plainSgd(
  X: Matrix,
  y: Float64Array,
  p: SgdParams,
  loss: Loss,
  optimal: boolean,
  rng: Rng,
): Float64Array {
  const { rows: n, cols: f } = X;
  const L = lossFn(loss, p.epsilon);
  const w = new Float64Array(f);
  let wscale = 1;
  let b = 0;
  const typw = Math.sqrt(1 / Math.sqrt(p.alpha));
  const t0 = 1 / ((typw / Math.max(1, L.dloss(-typw, 1))) * p.alpha);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let best = Number.POSITIVE_INFINITY;
  let stale = 0;
  let t = 1;
  for (let epoch = 0; epoch < p.max_iter; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let sum = 0;
    for (const r of order) {
      const row = r * f;
      let dot = 0;
      for (let j = 0; j < f; j++) dot += w[j] * X.data[row + j];
      const pred = dot * wscale + b;
      const eta = optimal ? 1 / (p.alpha * (t0 + t - 1)) : p.eta0 / t ** p.power_t;
      sum += L.loss(pred, y[r]);
      const update = -eta * L.dloss(pred, y[r]);
      wscale *= Math.max(0, 1 - eta * p.alpha);
      if (wscale < 1e-9) {
        for (let j = 0; j < f; j++) w[j] *= wscale;
        wscale = 1;
      }
      if (update !== 0) {
        const step = update / (wscale || 1);
        for (let j = 0; j < f; j++) w[j] += step * X.data[row + j];
        b += update;
      }
      t++;
    }
    stale = sum > best - p.tol * n ? stale + 1 : 0;
    best = Math.min(best, sum);
    if (stale >= p.n_iter_no_change) break;
  }
  const out = new Float64Array(f + 1);
  for (let j = 0; j < f; j++) out[j] = w[j] * wscale;
  out[f] = b;
  return out;
}

function chosenLoss(data: FitData, p: SgdParams): Loss {
  const classification = data.task === 'classification';
  if (p.loss === 'default') return classification ? 'hinge' : 'squared_error';
  const allowed = classification ? CLASSIFICATION_LOSSES : REGRESSION_LOSSES;
  if (!allowed.includes(p.loss))
    throw new ValidationError(
      `hyperparameters.loss: '${p.loss}' is not a ${data.task} loss (use ${allowed.join(', ')})`,
      'hyperparameters.loss',
    );
  return p.loss;
}

export const sgd: Algorithm<SgdParams> = {
  name: 'sgd',
  tasks: ['classification', 'regression'],
  description:
    'Linear model by stochastic gradient descent (L2; hinge for classes, one-vs-rest, squared error for values); log_loss gives one-vs-rest probabilities, other losses a softmax of the decision values',
  params: SgdParamsSchema,
  scaling: 'standard',
  fit(data, p) {
    const loss = chosenLoss(data, p);
    const seed = p.seed ?? data.seed;
    const f = data.X.cols;
    if (data.task === 'regression') {
      const wb = plainSgd(data.X, data.y, p, loss, false, createRng(seed));
      return linearFitted({ W: wb.subarray(0, f), b: wb.subarray(f), f, c: 1, link: 'identity' });
    }
    const { W, b } = oneVsRest(data, (ypm, k) =>
      plainSgd(data.X, Float64Array.from(ypm), p, loss, true, createRng(deriveSeed(seed, k))),
    );
    const c = W.length / f;
    const link = loss === 'log_loss' && c > 2 ? 'ovr-sigmoid' : 'softmax';
    return linearFitted({ W, b, f, c, link });
  },
};
