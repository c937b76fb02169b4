import { ValidationError } from '../core/errors.js';
import type { Task } from './model-contract.js';
import { KERNEL_ALGORITHMS } from './hyperparameters/kernel.js';
import { LINEAR_ALGORITHMS } from './hyperparameters/linear.js';
import { NEIGHBORS_ALGORITHMS } from './hyperparameters/neighbors.js';
import { TREES_ALGORITHMS } from './hyperparameters/trees.js';
import type { AlgorithmSpec } from './hyperparameters/types.js';

export type { AlgorithmSpec } from './hyperparameters/types.js';

/** Every algorithm Cirrus trains, by name. One name may serve several tasks (e.g. `ridge`). */
export const ALGORITHMS: readonly AlgorithmSpec[] = [
  ...LINEAR_ALGORITHMS,
  ...TREES_ALGORITHMS,
  ...KERNEL_ALGORITHMS,
  ...NEIGHBORS_ALGORITHMS,
];

/** Looks an algorithm up for a task; unknown names and wrong tasks name the field. */
export function algorithmSpec(name: string, task: Task): AlgorithmSpec {
  const spec = ALGORITHMS.find((a) => a.name === name);
  if (!spec) {
    const known = ALGORITHMS.map((a) => a.name).join(', ');
    throw new ValidationError(`algorithm: unknown algorithm '${name}' (known: ${known})`, 'algorithm');
  }
  if (!spec.tasks.includes(task)) {
    throw new ValidationError(`algorithm: '${name}' does not support task '${task}' (supports: ${spec.tasks.join(', ')})`, 'algorithm');
  }
  return spec;
}

/** Parses hyperparameters (numbers or SageMaker's strings) with defaults; errors name the key. */
export function parseHyperparameters(spec: AlgorithmSpec, raw: Record<string, unknown>): Record<string, unknown> {
  const result = spec.params.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path.length ? issue.path.map(String).join('.') : (issue as { keys?: string[] })?.keys?.[0];
  const field = key ? `hyperparameters.${key}` : 'hyperparameters';
  throw new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field);
}
