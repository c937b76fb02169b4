import type { Algorithm } from '../types.js';
import { dummy } from './dummy.js';
import { logisticRegression } from './logistic.js';
import { erase } from '../kernel/erase.js';
import { linearSvc } from './linear-svc.js';
import { linearRegression, ridge } from './ridge.js';
import { ridgeCv } from './ridge-cv.js';
import { sgd } from './sgd.js';

/** The linear algorithms' trainers (and the dummy baseline). */
export const LINEAR: readonly Algorithm[] = [
  logisticRegression,
  ridge,
  linearRegression,
  dummy,
  erase(ridgeCv),
  erase(linearSvc),
  erase(sgd),
];
