import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
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

/**
 * Runs the trainer as a child process with stdout and stderr appended to `logFile` (the
 * CloudWatch log stream stand-in) and resolves when it exits; never rejects.
 */
export function runTrainer(command: TrainerCommand, options: RunTrainerOptions): Promise<TrainerExit> {
  const args = command.args.map((a) => a.replaceAll('{root}', options.root));
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
    const child = spawn(command.command, args, {
      cwd: command.cwd ?? PROJECT_ROOT,
      env: { ...process.env, ...options.env, CIRRUS_ML_ROOT: options.root, ...command.env },
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
