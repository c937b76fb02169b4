import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelManifest } from '../contracts/training-job.js';
import { JOB_CHANNEL, JOB_FILE, parseTrainingJobConfig } from '../contracts/training-job.js';
import { CirrusError, ValidationError } from '../core/errors.js';
import { type TrainResult, train } from './train.js';
import { phaseClock, phasesLine } from './phases.js';
import { TRAINER_VERSION } from './version.js';

/** The SageMaker training-container layout under a root (default /opt/ml). */
export function containerPaths(root: string) {
  return {
    hyperparameters: join(root, 'input', 'config', 'hyperparameters.json'),
    channel: (name: string) => join(root, 'input', 'data', name),
    model: join(root, 'model'),
    failure: join(root, 'output', 'failure'),
  };
}

/** The one CSV file of a channel: `data.csv` if present, else the only file in it. */
export function channelFile(dir: string, field: string): string {
  if (!existsSync(dir)) throw new ValidationError(`${field}: channel directory ${dir} does not exist`, field);
  if (existsSync(join(dir, 'data.csv'))) return join(dir, 'data.csv');
  const files = readdirSync(dir).filter((f) => !f.startsWith('.') && statSync(join(dir, f)).isFile());
  if (files.length !== 1)
    throw new ValidationError(`${field}: expected one CSV file in the channel, found ${files.length}`, field);
  return join(dir, files[0]);
}

/** hyperparameters.json, with the job channel's `job.json` (the job description) when present. */
function readConfig(paths: ReturnType<typeof containerPaths>) {
  if (!existsSync(paths.hyperparameters))
    throw new ValidationError(`hyperparameters: ${paths.hyperparameters} does not exist`, 'hyperparameters');
  const raw = readJson(paths.hyperparameters, 'hyperparameters');
  const jobFile = join(paths.channel(JOB_CHANNEL), JOB_FILE);
  const job = existsSync(jobFile) ? readJson(jobFile, JOB_CHANNEL) : undefined;
  return parseTrainingJobConfig(raw, job);
}

function readJson(path: string, field: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ValidationError(`${field}: ${path} is not valid JSON`, field);
  }
}

function writeModel(dir: string, result: TrainResult, manifest: ModelManifest): void {
  mkdirSync(dir, { recursive: true });
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  writeFileSync(join(dir, 'contract.json'), json(result.contract));
  writeFileSync(join(dir, 'metrics.json'), json(result.metrics));
  writeFileSync(join(dir, 'manifest.json'), json(manifest));
  // model.onnx last: its presence means the model directory is complete.
  writeFileSync(join(dir, 'model.onnx'), result.onnx);
}

/** Runs one training job from the container layout; returns the result (throws on bad input). */
export function runTrainingJob(
  root: string,
  mayWrite: () => boolean = () => true,
): { result: TrainResult; manifest: ModelManifest } {
  const started = performance.now();
  const paths = containerPaths(root);
  const config = readConfig(paths);
  // The channels are streamed from disk, never read whole.
  const trainFile = { path: channelFile(paths.channel('train'), 'train') };
  const testDir = paths.channel('test');
  const testFile = existsSync(testDir) ? { path: channelFile(testDir, 'test') } : undefined;
  const result = train(config, trainFile, testFile);
  const { job } = config;
  const manifest: ModelManifest = {
    kind: 'cirrus.model-manifest',
    schemaVersion: 1,
    seed: job.seed,
    trainerVersion: TRAINER_VERSION,
    algorithm: job.algorithm,
    task: job.task,
    hyperparameters: result.hyperparameters,
    dataset: job.dataset,
    runId: job.runId,
    experiment: job.experiment,
    rows: result.rows,
    durationMs: Math.round(performance.now() - started),
    files: ['model.onnx', 'contract.json', 'metrics.json', 'manifest.json'],
  };
  if (!mayWrite()) throw new Error('the runtime that started this job is gone: model not written');
  const clock = phaseClock(result.phases);
  writeModel(paths.model, result, manifest);
  clock.lap('write');
  return { result, manifest };
}

/** One line for the failure file: the error's message (which starts with the field). */
export function failureLine(error: unknown): string {
  const message =
    error instanceof CirrusError
      ? error.message
      : `internal error: ${error instanceof Error ? error.message : String(error)}`;
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * The container's main: trains, or writes the one-line reason to output/failure and removes
 * any partial model files. Returns the process exit code.
 */
export function runContainer(
  root: string,
  log: (line: string) => void = console.log,
  mayWrite?: () => boolean,
): number {
  const paths = containerPaths(root);
  try {
    const { result, manifest } = runTrainingJob(root, mayWrite);
    log(
      `trained ${manifest.algorithm} on ${manifest.rows.train} rows in ${manifest.durationMs} ms; score ${result.metrics.score.toFixed(4)} (${result.metrics.evaluatedOn})`,
    );
    log(`${phasesLine(result.phases)}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
    return 0;
  } catch (error) {
    const line = failureLine(error);
    mkdirSync(join(root, 'output'), { recursive: true });
    writeFileSync(paths.failure, `${line}\n`);
    for (const f of ['model.onnx', 'contract.json', 'metrics.json', 'manifest.json'])
      rmSync(join(paths.model, f), { force: true });
    log(`training failed: ${line}`);
    if (!(error instanceof CirrusError) && error instanceof Error && error.stack) console.error(error.stack);
    return 1;
  }
}
