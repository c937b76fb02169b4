import { Command } from 'commander';
import { ApiError, ConnectionError } from './client.js';
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
  $ cirrus --json models show iris       # machine-readable output for scripts
  $ CIRRUS_URL=https://abc.execute-api.eu-west-1.amazonaws.com/prod cirrus --profile prod models list   # deployed, SigV4

Environment: CIRRUS_URL, CIRRUS_TOKEN, CIRRUS_DATA_DIR, AWS_PROFILE, AWS_REGION.
`;

/** Builds the `cirrus` command tree. */
export function buildProgram(): Command {
  const program = new Command('cirrus')
    .description('Cirrus: train, register, serve and watch ML models, on AWS or on this machine.')
    .option('--url <url>', 'Cirrus API URL (env CIRRUS_URL, default http://127.0.0.1:8787)')
    .option('--token <token>', 'bearer token of a local Cirrus (env CIRRUS_TOKEN, else <data-dir>/token)')
    .option('--data-dir <dir>', 'local data directory (env CIRRUS_DATA_DIR, default .cirrus)')
    .option('--profile <name>', 'AWS profile for a deployed stack (SigV4)')
    .option('--region <region>', 'AWS region for a deployed stack (SigV4)')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError()
    // Program options only before the subcommand: `cirrus predict E --json '{...}'` is an input.
    .enablePositionalOptions()
    .hook('preAction', (root, action) => {
      // `cirrus --json runs list` and `cirrus runs list --json` both ask for JSON; predict's
      // `--json <body>` is an input, not this flag, hence the boolean check.
      output.json = root.opts().json === true || action.opts().json === true;
    });
  registerCommands(program);
  return program;
}

/** The one line a failure prints; the exit code is 1. */
export function errorLine(error: unknown): string {
  if (error instanceof ApiError) {
    return `error: ${error.message}${error.field ? ` (field: ${error.field})` : ''} [${error.status} ${error.code}]`;
  }
  if (error instanceof ConnectionError) return `error: ${error.message}`;
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * A reader that closed the pipe early (`cirrus runs show ID | head`) ends the command quietly,
 * as Unix tools do, instead of an EPIPE stack trace.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

export async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedPipe();
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.stderr.write(`${errorLine(error)}\n`);
    process.exitCode = 1;
  }
}
