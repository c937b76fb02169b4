import type { Algorithm } from '../types.js';
import { erase } from './erase.js';
import { mlp } from './mlp.js';
import { svc } from './svc.js';
import { svr } from './svr.js';

/** The kernel, SGD and neural trainers (svc, svr, linear_svc, sgd, mlp). */
export const KERNEL: readonly Algorithm[] = [erase(svc), erase(svr), erase(mlp)];
