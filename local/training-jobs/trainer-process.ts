import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How to start the trainer; `{root}` in `args` becomes the job's `/opt/ml` stand-in. */
export interface TrainerCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** @default the project root (so `--import tsx` and `training/main.ts` resolve) */
  readonly cwd?: string;
  /** Extra environment on top of the parent's. */
  readonly env?: Readonly<Record<string, string>>;
}

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `node --import tsx training/main.ts --root {root}`: the trainer program, run through tsx. */
export const DEFAULT_TRAINER_COMMAND: TrainerCommand = {
  command: process.execPath,
  args: ['--import', 'tsx', 'training/main.ts', '--root', '{root}'],
};

export interface TrainerExit {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when the runner killed it for exceeding MaxRuntimeInSeconds. */
  readonly timedOut: boolean;
  /** The process could not be started at all (missing binary, bad cwd). */
  readonly spawnError?: string;
}

export interface RunTrainerOptions {
  readonly root: string;
  readonly logFile: string;
  readonly env: Readonly<Record<string, string>>;
  readonly maxRuntimeSeconds?: number;
}

/** The environment variable that tells the trainer which process started it (see training/main.ts). */
export const PARENT_PID_ENV = 'CIRRUS_PARENT_PID';

/** util-linux's setpriv, which sets the parent-death signal and then execs the command. */
const SETPRIV = '/usr/bin/setpriv';

/**
 * The trainer dies with the runtime, even a SIGKILLed one: on Linux it is started through
 * `setpriv --pdeathsig KILL` (the kernel kills it when this process dies, mid-computation); everywhere
 * it is told this process's pid and writes no model once its parent is gone (training/main.ts).
 */
function withParentDeath(command: string, args: readonly string[]): [string, string[]] {
  // Only a command known to exist: a missing one must still fail to spawn (a clear spawnError),
  // not become setpriv's exit code.
  const wrappable = isAbsolute(command) && existsSync(command);
  if (process.platform !== 'linux' || !existsSync(SETPRIV) || !wrappable) return [command, [...args]];
  return [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]];
}

/** This process's environment without the API token: a trainer has no use for it, and its log is a file. */
function trainerEnv(): NodeJS.ProcessEnv {
  const { CIRRUS_TOKEN: _token, ...env } = process.env;
  return env;
}

/**
 * Runs the trainer as a child process with stdout and stderr appended to `logFile` (the
 * CloudWatch log stream stand-in) and resolves when it exits; never rejects.
 */
export function runTrainer(command: TrainerCommand, options: RunTrainerOptions): Promise<TrainerExit> {
  const [program, args] = withParentDeath(
    command.command,
    command.args.map((a) => a.replaceAll('{root}', options.root)),
  );
  const log = createWriteStream(options.logFile, { flags: 'a' });
  return new Promise((resolve) => {
    let timedOut = false;
    let settled = false;
    const finish = (exit: TrainerExit) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      log.end(() => resolve(exit));
    };
    const child = spawn(program, args, {
      cwd: command.cwd ?? PROJECT_ROOT,
      env: {
        ...trainerEnv(),
        ...options.env,
        CIRRUS_ML_ROOT: options.root,
        ...command.env,
        [PARENT_PID_ENV]: String(process.pid),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const timer = options.maxRuntimeSeconds
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.maxRuntimeSeconds * 1000)
      : undefined;
    child.on('error', (error) => finish({ code: null, signal: null, timedOut, spawnError: error.message }));
    child.on('close', (code, signal) => finish({ code, signal, timedOut }));
  });
}
