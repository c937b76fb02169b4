/**
 * The trainer's entry point, following SageMaker's training-container contract:
 *   node --import tsx training/main.ts [train] [--root DIR]
 * SageMaker starts the image with the argument `train`; the root defaults to /opt/ml
 * (or SM_ROOT / CIRRUS_ML_ROOT) so the same program runs locally in a temp directory.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runContainer } from './container.js';

// A fit frees its float64 matrix mid-run (training/algorithms/matrix-release.ts): a collection on
// demand returns that memory at once, not whenever the heap next fills (maybe after the fit).
setFlagsFromString('--expose-gc');
globalThis.gc ??= runInNewContext('gc');

function rootFrom(argv: readonly string[]): string {
  const i = argv.indexOf('--root');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  return process.env.CIRRUS_ML_ROOT ?? process.env.SM_ROOT ?? '/opt/ml';
}

/**
 * Whether the runtime that started this job (the local runtime sets CIRRUS_PARENT_PID) still
 * runs; true when none is named (SageMaker). Alive, not necessarily the direct parent: a
 * wrapper command may start this trainer. A trainer whose runtime died writes no model:
 * nobody would collect it, and a restart already failed its run.
 */
function parentAlive(): boolean {
  const parent = process.env.CIRRUS_PARENT_PID;
  if (parent === undefined) return true;
  try {
    process.kill(Number(parent), 0);
    return true;
  } catch (error) {
    // EPERM: it exists under another user; ESRCH: it is gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const args = process.argv.slice(2).filter((a) => a !== 'train');
if (!parentAlive()) {
  console.error('the runtime that started this training job is gone: not training');
  process.exit(1);
}
process.exitCode = runContainer(rootFrom(args), console.log, parentAlive);
