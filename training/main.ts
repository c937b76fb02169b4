/**
 * The trainer's entry point, following SageMaker's training-container contract:
 *   node --import tsx training/main.ts [train] [--root DIR]
 * SageMaker starts the image with the argument `train`; the root defaults to /opt/ml
 * (or SM_ROOT / CIRRUS_ML_ROOT) so the same program runs locally in a temp directory.
 */
import { runContainer } from './container.js';

function rootFrom(argv: readonly string[]): string {
  const i = argv.indexOf('--root');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  return process.env.CIRRUS_ML_ROOT ?? process.env.SM_ROOT ?? '/opt/ml';
}

const args = process.argv.slice(2).filter((a) => a !== 'train');
process.exitCode = runContainer(rootFrom(args));
