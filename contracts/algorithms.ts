import type { z } from 'zod';
import { ValidationError } from './errors.js';
import type { Task } from './model-contract.js';
import { KERNEL_ALGORITHMS } from './hyperparameters/kernel.js';
import { LINEAR_ALGORITHMS } from './hyperparameters/linear.js';
import { NEIGHBORS_ALGORITHMS } from './hyperparameters/neighbors.js';
import { TREES_ALGORITHMS } from './hyperparameters/trees.js';
import type { AlgorithmSpec } from './hyperparameters/types.js';
import {
  SEARCH_SPACE_KEY,
  type SearchSpace,
  SearchSpaceSchema,
  TEXT_OPTIONS_KEY,
  type TextOptions,
  TextOptionsSchema,
} from './training-request.js';

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
    throw new ValidationError(
      `algorithm: '${name}' does not support task '${task}' (supports: ${spec.tasks.join(', ')})`,
      'algorithm',
    );
  }
  return spec;
}

/** Keys reserved for the trainer's own options (text features, tuning); not hyperparameters. */
export const isTrainerOption = (key: string) => key.startsWith('cirrus_');

/** The trainer options carried in hyperparameters (JSON strings under reserved keys). */
export interface TrainerOptions {
  readonly text?: TextOptions;
  readonly search?: SearchSpace;
}

function jsonOption<T>(raw: Record<string, unknown>, key: string, schema: z.ZodType<T>): T | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  let json: unknown = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch {
      throw new ValidationError(`${key}: not valid JSON`, key);
    }
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [key, ...(issue?.path ?? []).map(String)].join('.');
  throw new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field);
}

/** Parses the reserved `cirrus_text` / `cirrus_search` keys; unknown `cirrus_` keys name themselves. */
export function parseTrainerOptions(raw: Record<string, unknown>): TrainerOptions {
  for (const key of Object.keys(raw)) {
    if (isTrainerOption(key) && key !== TEXT_OPTIONS_KEY && key !== SEARCH_SPACE_KEY)
      throw new ValidationError(
        `${key}: unknown trainer option (known: ${TEXT_OPTIONS_KEY}, ${SEARCH_SPACE_KEY})`,
        key,
      );
  }
  return {
    text: jsonOption(raw, TEXT_OPTIONS_KEY, TextOptionsSchema),
    search: jsonOption(raw, SEARCH_SPACE_KEY, SearchSpaceSchema),
  };
}

/**
 * Parses hyperparameters (numbers or SageMaker's strings) with defaults; errors name the key.
 * Reserved `cirrus_` keys are checked by `parseTrainerOptions` and left out of the result.
 */
export function parseHyperparameters(
  spec: AlgorithmSpec,
  all: Record<string, unknown>,
): Record<string, unknown> {
  parseTrainerOptions(all);
  const raw = Object.fromEntries(Object.entries(all).filter(([k]) => !isTrainerOption(k)));
  const result = spec.params.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path.length
    ? issue.path.map(String).join('.')
    : (issue as { keys?: string[] })?.keys?.[0];
  const field = key ? `hyperparameters.${key}` : 'hyperparameters';
  throw new ValidationError(`${field}: ${issue?.message ?? 'invalid'}`, field);
}
