import type { Algorithm } from '../types.js';
import { dummy } from './dummy.js';
import { logisticRegression } from './logistic.js';
import { linearRegression, ridge } from './ridge.js';

/** The linear algorithms' trainers (and the dummy baseline). */
export const LINEAR: readonly Algorithm[] = [
  logisticRegression,
  ridge,
  linearRegression,
  dummy,
];
