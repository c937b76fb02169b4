import type { Command } from 'commander';

/** Registers every command group. Each group lives in its own file. */
export function registerCommands(program: Command): void {
  void program;
}
