import { Command } from 'commander';
import { ApiError } from './client.js';
import { registerCommands } from './commands/index.js';
import { output } from './output.js';

const EXAMPLES = `
Examples:
  $ cirrus demo                          # the whole lifecycle on the embedded platform
  $ cirrus local up --port 8787          # start the embedded platform in the foreground
  $ cirrus datasets load iris
  $ cirrus train --experiment iris --task classification --algorithm logistic_regression \\
      --dataset iris --target target
  $ cirrus predict iris --json '{"features": {"sepal length (cm)": 5.1, ...}}'
  $ cirrus runs list --experiment iris
  $ CIRRUS_URL=https://abc.execute-api.eu-west-1.amazonaws.com cirrus models list   # deployed, SigV4
`;

/** Builds the `cirrus` command tree. */
export function buildProgram(): Command {
  const program = new Command('cirrus')
    .description('Cirrus: train, register, serve and watch ML models, on AWS or on this machine.')
    .option('--url <url>', 'Cirrus API URL (env CIRRUS_URL)', process.env.CIRRUS_URL)
    .option('--token <token>', 'bearer token of a local Cirrus (env CIRRUS_TOKEN)')
    .option('--data-dir <dir>', 'local data directory (env CIRRUS_DATA_DIR)', process.env.CIRRUS_DATA_DIR ?? '.cirrus')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError()
    // Program options only before the subcommand: `cirrus predict E --json '{...}'` is an input.
    .enablePositionalOptions()
    .hook('preAction', (_root, action) => {
      output.json = action.optsWithGlobals().json === true;
    });
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof ApiError) {
      process.stderr.write(`error: ${error.message}${error.field ? ` (field: ${error.field})` : ''}\n`);
    } else if (error instanceof Error && 'code' in error && String((error as { code: unknown }).code) === 'ECONNREFUSED') {
      process.stderr.write('error: no Cirrus is listening there. Start one with `cirrus local up`, or set --url.\n');
    } else {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exitCode = 1;
  }
}
