import * as z from 'zod';
import { choice, int, num, params, positive, seed } from './fields.js';
import type { AlgorithmSpec } from './types.js';

/** 'scale' = 1 / (n_features * X.var()), 'auto' = 1 / n_features, or a positive number. */
const gamma = () =>
  z
    .union([
      z.enum(['scale', 'auto']),
      z.number().positive(),
      z
        .string()
        .regex(/^\d*\.?\d+([eE][-+]?\d+)?$/, 'must be scale, auto or a positive number')
        .transform(Number),
    ])
    .default('scale');

const kernelFields = {
  kernel: choice('rbf', ['rbf', 'linear', 'poly', 'sigmoid']),
  C: positive(1.0),
  gamma: gamma(),
  degree: int(3, 1, 10),
  coef0: num(0, -1e6, 1e6),
  tol: positive(1e-3, 1),
  max_iter: int(10_000_000, 1, 1_000_000_000),
};

export const SvcParamsSchema = params(kernelFields);
export type SvcParams = z.infer<typeof SvcParamsSchema>;

export const SvrParamsSchema = params({ ...kernelFields, epsilon: num(0.1, 0, 1e9) });
export type SvrParams = z.infer<typeof SvrParamsSchema>;

export const LinearSvcParamsSchema = params({
  C: positive(1.0),
  tol: positive(1e-4, 1),
  max_iter: int(1000, 1, 1_000_000),
  seed: seed(),
});
export type LinearSvcParams = z.infer<typeof LinearSvcParamsSchema>;

export const SgdParamsSchema = params({
  loss: choice('default', ['default', 'hinge', 'log_loss', 'squared_error', 'huber', 'epsilon_insensitive']),
  alpha: positive(1e-4, 1e6),
  max_iter: int(1000, 1, 100_000),
  tol: num(1e-3, 0, 1),
  n_iter_no_change: int(5, 1, 1000),
  eta0: positive(0.01, 10),
  power_t: num(0.25, 0, 1),
  epsilon: num(0.1, 0, 1e9),
  seed: seed(),
});
export type SgdParams = z.infer<typeof SgdParamsSchema>;

export const MlpParamsSchema = params({
  hidden_layer_sizes: z
    .union([
      z.array(z.number().int().min(1).max(4096)).min(1).max(8),
      z
        .string()
        .regex(/^\d+(,\d+)*$/, 'must be comma-separated layer sizes')
        .transform((s) => s.split(',').map(Number)),
    ])
    .default([100]),
  activation: choice('relu', ['relu', 'tanh', 'logistic', 'identity']),
  alpha: num(1e-4, 0, 1e6),
  learning_rate_init: positive(1e-3, 10),
  batch_size: int(200, 1, 1_000_000),
  max_iter: int(200, 1, 100_000),
  tol: num(1e-4, 0, 1),
  n_iter_no_change: int(10, 1, 10_000),
  seed: seed(),
});
export type MlpParams = z.infer<typeof MlpParamsSchema>;

export const KERNEL_ALGORITHMS: readonly AlgorithmSpec[] = [
  {
    name: 'svc',
    tasks: ['classification'],
    description:
      'Kernel SVM (libsvm SMO, RBF default, one-vs-one); probabilities are a softmax of the one-vs-one vote scores, not Platt scaling',
    params: SvcParamsSchema,
  },
  {
    name: 'svr',
    tasks: ['regression'],
    description: 'Epsilon-support vector regression (libsvm SMO, RBF default)',
    params: SvrParamsSchema,
  },
  {
    name: 'linear_svc',
    tasks: ['classification'],
    description:
      'Linear SVM (squared hinge, L2, LIBLINEAR dual coordinate descent, one-vs-rest); probabilities are a softmax of the decision values, not calibrated',
    params: LinearSvcParamsSchema,
  },
  {
    name: 'sgd',
    tasks: ['classification', 'regression'],
    description:
      'Linear model by stochastic gradient descent (L2; hinge for classes, one-vs-rest, squared error for values); log_loss gives one-vs-rest probabilities, other losses a softmax of the decision values',
    params: SgdParamsSchema,
  },
  {
    name: 'mlp',
    tasks: ['classification', 'regression'],
    description: 'Multi-layer perceptron (ReLU, Adam, L2, stops when the training loss stalls)',
    params: MlpParamsSchema,
  },
];
