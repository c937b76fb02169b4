import type { Command } from 'commander';
import { registerBatchCommands } from './batch.js';
import { registerConsoleCommand } from './console.js';
import { registerDatasetCommands } from './datasets.js';
import { registerDeadLetterCommands } from './dead-letters.js';
import { registerDemoCommand } from './demo.js';
import { registerDriftCommands } from './drift.js';
import { registerLocalCommands } from './local.js';
import { registerModelCommands } from './models.js';
import { registerPredictCommands } from './predict.js';
import { registerRunCommands } from './runs.js';
import { registerServingCommands } from './serving.js';
import { registerRetrainCommand, registerTrainCommand } from './train.js';

/** Registers every command group (each in its own file), then `--json` on every leaf. */
export function registerCommands(program: Command): void {
  registerDemoCommand(program);
  registerLocalCommands(program);
  registerDatasetCommands(program);
  registerTrainCommand(program);
  registerRetrainCommand(program);
  registerRunCommands(program);
  registerModelCommands(program);
  registerPredictCommands(program);
  registerServingCommands(program);
  registerDriftCommands(program);
  registerBatchCommands(program);
  registerDeadLetterCommands(program);
  registerConsoleCommand(program);
  addJsonFlag(program);
}

/** `cirrus runs list --json` reads naturally; predict keeps `--json <body>` as its input. */
function addJsonFlag(command: Command): void {
  for (const sub of command.commands) {
    if (sub.commands.length) addJsonFlag(sub);
    else if (!sub.options.some((o) => o.long === '--json'))
      sub.option('--json', 'print machine-readable JSON');
  }
}
