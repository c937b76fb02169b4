import { ValidationError } from '../../core/errors.js';
import type { Task } from '../../contracts/model-contract.js';
import { KERNEL } from './kernel/index.js';
import { LINEAR } from './linear/index.js';
import { NEIGHBORS } from './neighbors/index.js';
import { TREES } from './trees/index.js';
import type { Algorithm } from './types.js';

/** Trainer implementations, by name; each `params` is the schema from contracts/hyperparameters. */
const IMPLEMENTATIONS: readonly Algorithm[] = [...LINEAR, ...TREES, ...KERNEL, ...NEIGHBORS];

export function algorithmImpl(name: string, task: Task): Algorithm {
  const impl = IMPLEMENTATIONS.find((a) => a.name === name && a.tasks.includes(task));
  if (!impl) throw new ValidationError(`algorithm: no trainer for '${name}' on task '${task}'`, 'algorithm');
  return impl;
}

export const ALL_IMPLEMENTATIONS = IMPLEMENTATIONS;
