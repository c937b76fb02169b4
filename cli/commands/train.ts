import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { ApiError, type CirrusClient, seg } from '../client.js';
import { clientFor } from '../context.js';
import {
  candidatesTable,
  deploymentLine,
  deploymentOf,
  metricsTable,
  runsTable,
  runSummary,
} from '../format/runs.js';
import { emit, output, say, when } from '../output.js';
import { collect, hyperparameters, number, positiveInt } from '../parse.js';
import type { Alias, ApiRun, ModelVersion, StartedRun } from '../types.js';
import { watchRun, watchSweep } from '../watch-run.js';
import {
  addSearchOptions,
  addTextOptions,
  searchField,
  type TextAndSearchOptions,
  textField,
} from './train-options.js';

interface TrainOptions extends TextAndSearchOptions {
  experiment: string;
  task: string;
  algorithm: string;
  dataset: string;
  datasetVersion?: string;
  target?: string;
  features?: string;
  param?: string[];
  testSize?: number;
  split?: string;
  seed?: number;
  policy?: string;
  description?: string;
  trainerCommand?: string;
  trainerImage?: string;
  wait: boolean;
}

/**
 * A custom trainer: an ECR image, or a local command split on spaces, its existing file
 * arguments made absolute (the local runtime runs it from its own working directory).
 */
function trainerOf(o: TrainOptions): Record<string, unknown> {
  if (o.trainerImage) return { trainer: { image: o.trainerImage } };
  if (!o.trainerCommand) return {};
  const argv = o.trainerCommand.split(/\s+/).filter(Boolean);
  return { trainer: { command: argv.map((a, i) => (i > 0 && existsSync(a) ? resolve(a) : a)) } };
}

const EXAMPLES = `
Examples:
  $ cirrus train --experiment iris --task classification --algorithm logistic_regression \\
      --dataset iris --target target
  $ cirrus train --experiment iris --task classification --algorithm svc --param C=10 \\
      --dataset iris --target target --policy ab_test
  $ cirrus train --experiment iris --task classification --algorithm logistic_regression,svc,gradient_boosting \\
      --dataset iris --target target --param svc.C=10        # a sweep: the best one is deployed
  $ cirrus train --experiment diabetes --task regression --algorithm ridge --dataset diabetes \\
      --target target --split last --test-size 0.2 --no-wait
  $ cirrus train --experiment k --task clustering --algorithm kmeans --dataset iris \\
      --features "petal length (cm),petal width (cm)" --param n_clusters=3      # no target
  $ cirrus train --experiment reviews --task classification --algorithm logistic_regression \\
      --dataset reviews --target sentiment --text-template "{author}: {text}" --ngrams 1
  $ cirrus train --experiment iris --task classification --algorithm svc --dataset iris --target target \\
      --search grid --grid C=0.1,1,10 --grid kernel=linear,rbf --folds 5        # tuned by 5-fold CV
  $ cirrus train --experiment iris --task classification --algorithm random_forest --dataset iris \\
      --target target --range n_estimators=10:200:int --range max_depth=2:10:int --budget 12
  $ cirrus train --experiment iris --task classification --algorithm numpy-softmax --dataset iris \\
      --target target --trainer-command "/usr/bin/python3 examples/custom-trainer/train.py"
`;

/** The API body from the options (the API validates it and names the field on error). */
export function trainingBody(o: TrainOptions): Record<string, unknown> {
  const algorithms = o.algorithm
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return {
    experiment: o.experiment,
    task: o.task,
    algorithm: algorithms.length === 1 ? algorithms[0] : algorithms,
    dataset: { name: o.dataset, ...(o.datasetVersion ? { version: o.datasetVersion } : {}) },
    ...(o.target ? { target: o.target } : {}),
    ...(o.features ? { features: o.features.split(',').map((f) => f.trim()) } : {}),
    hyperparameters: hyperparameters(o.param ?? [], algorithms),
    ...withField('text', textField(o)),
    ...withField('search', searchField(o)),
    ...(o.testSize !== undefined ? { testSize: o.testSize } : {}),
    ...(o.split ? { split: o.split } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.policy ? { policy: o.policy } : {}),
    ...(o.description ? { description: o.description } : {}),
    ...trainerOf(o),
  };
}

function withField(name: string, value: unknown): Record<string, unknown> {
  return value === undefined ? {} : { [name]: value };
}

/** `cirrus train`: starts a run (or a sweep), follows its states, ends with metrics and the deploy decision. */
export function registerTrainCommand(program: Command): void {
  const train = program
    .command('train')
    .description('Start a training run and follow it through the pipeline')
    .requiredOption('--experiment <name>', 'experiment (also the registered model name)')
    .addOption(
      new Option('--task <task>', 'what to learn')
        .choices(['classification', 'regression', 'clustering'])
        .makeOptionMandatory(),
    )
    .requiredOption('--algorithm <names>', 'algorithm, or a comma-separated list to train several (a sweep)')
    .requiredOption('--dataset <name>', 'dataset name')
    .option(
      '--dataset-version <sha256>',
      'a dataset version: its sha256 or a unique prefix of 6+ characters, as tables show (default: the latest)',
    )
    .option('--target <column>', 'target column (not for clustering)')
    .option('--features <columns>', 'comma-separated feature columns (default: all but the target)')
    .option('--param <key=value>', 'hyperparameter (repeatable; `algo.key=value` in a sweep)', collect, [])
    .option('--test-size <fraction>', 'held-out share, 0 < x < 1 (default 0.25)', number('--test-size'))
    .addOption(
      new Option(
        '--split <strategy>',
        'train/test split (default stratified for classification, else shuffle)',
      ).choices(['stratified', 'shuffle', 'last']),
    )
    .option('--seed <n>', 'random seed (default 0)', positiveInt('--seed'))
    .addOption(
      new Option('--policy <policy>', 'what happens to the new version (default best_score)').choices([
        'best_score',
        'most_recent',
        'manual',
        'ab_test',
      ]),
    )
    .option('--description <text>', 'what this run is about')
    .option(
      '--trainer-command <command>',
      'local runtime: train with this command under the /opt/ml contract',
    )
    .option('--trainer-image <uri>', 'AWS: train with this ECR image (under the allowed repository prefix)')
    .option('--no-wait', 'print the run id and return without following it');
  addSearchOptions(addTextOptions(train))
    .addHelpText('after', EXAMPLES)
    .action(async (opts: TrainOptions, cmd: Command) => {
      const client = clientFor(cmd);
      const body = trainingBody(opts);
      const started = await client.post<StartedRun>(`/v1/experiments/${seg(opts.experiment)}/runs`, body);
      await reportTraining(client, started, opts.experiment, opts.wait);
    });
}

const RETRAIN_EXAMPLES = `
Examples:
  $ cirrus retrain iris                 # retrain iris's champion configuration on the latest data
  $ cirrus retrain iris --no-wait --json
`;

/** `cirrus retrain`: replays an experiment's last request (a run or a sweep) and follows it like `train`. */
export function registerRetrainCommand(program: Command): void {
  program
    .command('retrain')
    .description(
      "Retrain now: the serving champion's configuration (its run's request) on the dataset's latest version",
    )
    .argument('<experiment>', 'experiment to retrain (trained at least once)')
    .option('--no-wait', 'print the run id and return without following it')
    .addHelpText('after', RETRAIN_EXAMPLES)
    .action(async (experiment: string, opts: { wait: boolean }, cmd: Command) => {
      const client = clientFor(cmd);
      const started = await client.post<StartedRun>(`/v1/experiments/${seg(experiment)}/retrain`, {});
      if (!output.json) say(retrainLine(started));
      await reportTraining(client, started, experiment, opts.wait);
    });
}

/** `retraining champion v2 (run …); 12 production rows appended as iris@3f2a…` */
export function retrainLine(started: StartedRun): string {
  const appended =
    started.appendedRows === undefined
      ? ''
      : started.appendedRows > 0
        ? `; continuous training appended ${started.appendedRows} production rows as dataset version ${started.datasetVersion?.slice(0, 12)}`
        : '; continuous training: no new production rows with ground truth';
  return `retraining ${started.replays ?? 'the last request'}${appended}`;
}

/** Prints where a started training is, or follows it to its metrics and deploy decision. */
async function reportTraining(
  client: CirrusClient,
  started: StartedRun,
  experiment: string,
  wait: boolean,
): Promise<void> {
  if (!wait) {
    emit(started, () =>
      say(
        `started ${started.pipeline === 'sweep' ? `sweep runs ${started.runIds.join(', ')}` : `run ${started.runId}`} (execution ${started.executionId}); follow with \`cirrus runs show ${started.runIds[0]}\``,
      ),
    );
    return;
  }
  const finished = await followTraining(client, started);
  const deployment = deploymentOf(finished.find((r) => r.execution)?.execution?.history);
  const champion = deployment ? undefined : await championNow(client, experiment, finished);
  emit({ ...started, runs: finished, deployment, ...(champion ? { champion } : {}) }, () =>
    printOutcome(finished, deployment, champion),
  );
  if (finished.every((r) => r.status === 'FAILED')) process.exitCode = 1;
}

/** Follows a run (or every run of a sweep), printing each state as it is entered. */
export async function followTraining(client: CirrusClient, started: StartedRun): Promise<ApiRun[]> {
  const onState = (state: string, e: { at: string }) =>
    say(`  → ${state.padEnd(18)} ${when(e.at).slice(11)}`);
  if (started.pipeline !== 'sweep') {
    say(`run ${started.runId} started (execution ${started.executionId})`);
    return [await watchRun(client, started.runId, { onState })];
  }
  say(`sweep of ${started.runIds.length} algorithms started (execution ${started.executionId})`);
  return watchSweep(client, started.runIds, {
    onRun: (r) =>
      say(
        `  ✓ ${r.algorithm.padEnd(22)} ${r.status}${r.score !== undefined ? `  score ${r.score.toFixed(4)}` : ''}${r.error ? `  (${r.error})` : ''}`,
      ),
  });
}

interface ChampionNow {
  readonly version: number;
  readonly runId?: string;
  readonly fromThisTraining: boolean;
}

/** Without a recorded deploy decision (a sweep whose runs do not link the execution): who is champion now. */
async function championNow(
  client: CirrusClient,
  model: string,
  runs: readonly ApiRun[],
): Promise<ChampionNow | undefined> {
  try {
    const { aliases } = await client.get<{ aliases: Alias[] }>(`/v1/models/${seg(model)}/aliases`);
    const champion = aliases.find((a) => a.alias === 'champion');
    if (!champion) return undefined;
    const v = await client.get<ModelVersion>(`/v1/models/${seg(model)}/versions/${champion.version}`);
    return {
      version: champion.version,
      runId: v.runId,
      fromThisTraining: runs.some((r) => r.id === v.runId),
    };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

function printOutcome(
  runs: readonly ApiRun[],
  deployment: ReturnType<typeof deploymentOf>,
  champion?: ChampionNow,
): void {
  if (output.json) return;
  if (runs.length === 1) {
    const run = runs[0]!;
    say(runSummary(run));
    if (run.status === 'SUCCEEDED') say(metricsTable(run.metrics));
    if (run.tuning) say(candidatesTable(run.tuning));
  } else {
    say(runsTable(runs));
  }
  if (runs.some((r) => r.status === 'SUCCEEDED')) {
    if (deployment || !champion) say(deploymentLine(deployment));
    else
      say(
        champion.fromThisTraining
          ? `deployed: v${champion.version} (run ${champion.runId}) is champion`
          : `not deployed: champion stays v${champion.version}`,
      );
  } else say(`run failed: ${runs.map((r) => r.error ?? r.execution?.cause ?? 'unknown error').join('; ')}`);
}
