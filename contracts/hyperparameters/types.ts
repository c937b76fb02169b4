import type { z } from 'zod';
import type { Task } from '../model-contract.js';

/** A catalog entry: what `cirrus algorithms` lists and what the API validates against. */
export interface AlgorithmSpec {
  readonly name: string;
  readonly tasks: readonly Task[];
  readonly description: string;
  readonly params: z.ZodType<Record<string, unknown>>;
}
