import { type Command, InvalidArgumentError } from 'commander';
import { seg } from '../client.js';
import { clientFor } from '../context.js';
import {
  deploymentLine,
  deploymentOf,
  experimentsTable,
  candidatesTable,
  metricsTable,
  runsTable,
  runSummary,
  stateHistoryTable,
} from '../format/runs.js';
import { emit, kv, say, when } from '../output.js';
import type { ApiRun, Experiment } from '../types.js';

/** `cirrus runs list|show`, `cirrus experiments list|show`, `cirrus schedule set|clear`. */
export function registerRunCommands(program: Command): void {
  registerRunsCommands(program);
  registerExperimentCommands(program);
  registerScheduleCommands(program);
}

/** `runs list|show`. */
function registerRunsCommands(program: Command): void {
  const runs = program.command('runs').description('Training runs: status, metrics, state history');
  runs
    .command('list')
    .description('List the runs of an experiment, newest first')
    .requiredOption('--experiment <name>', 'experiment name')
    .addHelpText('after', '\nExamples:\n  $ cirrus runs list --experiment iris\n')
    .action(async (opts: { experiment: string }, cmd: Command) => {
      const res = await clientFor(cmd).get<{ runs: ApiRun[] }>(
        `/v1/experiments/${seg(opts.experiment)}/runs`,
      );
      emit(res, () =>
        say(res.runs.length ? runsTable(res.runs) : `no runs in experiment '${opts.experiment}'`),
      );
    });
  runs
    .command('show')
    .description('Show a run: parameters, metrics, the states it went through, the deploy decision')
    .argument('<runId>')
    .addHelpText('after', '\nExamples:\n  $ cirrus runs show 20250101T120000-ab12cd34\n')
    .action(async (runId: string, _opts: unknown, cmd: Command) => {
      const run = await clientFor(cmd).get<ApiRun>(`/v1/runs/${seg(runId)}`);
      emit(run, () => {
        say(runSummary(run));
        if (run.metrics) say(metricsTable(run.metrics));
        if (run.tuning) {
          say(`${run.tuning.strategy} search: ${run.tuning.candidates.length} candidates`);
          say(candidatesTable(run.tuning));
        }
        if (run.execution?.history?.length) say(stateHistoryTable(run.execution.history));
        if (run.status === 'SUCCEEDED') say(deploymentLine(deploymentOf(run.execution?.history)));
      });
    });
}

/** `experiments list|show|continuous-training`. */
function registerExperimentCommands(program: Command): void {
  const experiments = program.command('experiments').description('Experiments');
  experiments
    .command('list')
    .description('List experiments')
    .addHelpText('after', '\nExamples:\n  $ cirrus experiments list\n')
    .action(async (_opts: unknown, cmd: Command) => {
      const res = await clientFor(cmd).get<{ experiments: Experiment[] }>('/v1/experiments');
      emit(res, () =>
        say(
          res.experiments.length
            ? experimentsTable(res.experiments)
            : 'no experiments yet: start one with `cirrus train`',
        ),
      );
    });
  experiments
    .command('show')
    .description('Show an experiment, its schedule and last training request')
    .addHelpText('after', '\nExamples:\n  $ cirrus experiments show iris\n')
    .argument('<experiment>')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const e = await clientFor(cmd).get<Experiment>(`/v1/experiments/${seg(name)}`);
      emit(e, () =>
        say(
          kv({
            experiment: e.name,
            task: e.task,
            created: when(e.createdAt),
            schedule: e.retrainSchedule?.expression,
            'continuous training': e.continuousTraining ? 'on' : 'off',
            'last request': e.lastRequest,
          }),
        ),
      );
    });

  experiments
    .command('continuous-training')
    .description(
      'Turn continuous training on or off: each retraining (drift, schedule, `cirrus retrain`) first appends production rows with ground truth to the dataset, as a new version',
    )
    .argument('<experiment>')
    .argument('<state>', 'on or off', (v: string) => {
      if (v !== 'on' && v !== 'off') throw new InvalidArgumentError(`state: expected on or off, got '${v}'`);
      return v;
    })
    .addHelpText(
      'after',
      '\nA production row has ground truth once `cirrus feedback` answered its request.\n\nExamples:\n  $ cirrus experiments continuous-training iris on\n  $ cirrus experiments continuous-training iris off\n',
    )
    .action(async (experiment: string, state: string, _opts: unknown, cmd: Command) => {
      const e = await clientFor(cmd).put<Experiment>(
        `/v1/experiments/${seg(experiment)}/continuous-training`,
        { enabled: state === 'on' },
      );
      emit(e, () =>
        say(
          e.continuousTraining
            ? `experiment ${e.name}: continuous training on (retraining appends production rows with ground truth to the dataset)`
            : `experiment ${e.name}: continuous training off`,
        ),
      );
    });
}

/** `schedule set|clear`: scheduled retraining of an experiment. */
function registerScheduleCommands(program: Command): void {
  const schedule = program.command('schedule').description('Scheduled retraining of an experiment');
  schedule
    .command('set')
    .description('Retrain an experiment on a schedule (its last training request on the latest data)')
    .argument('<experiment>')
    .argument('<expression>', 'EventBridge expression: "rate(1 day)" or "cron(0 3 * * ? *)"')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus schedule set iris "rate(1 day)"\n  $ cirrus schedule set iris "cron(0 3 * * ? *)"\n',
    )
    .action(async (experiment: string, expression: string, _opts: unknown, cmd: Command) => {
      const e = await clientFor(cmd).put<Experiment>(`/v1/experiments/${seg(experiment)}/schedule`, {
        schedule: expression,
      });
      emit(e, () => say(`experiment ${e.name} retrains on ${e.retrainSchedule?.expression ?? expression}`));
    });
  schedule
    .command('clear')
    .description("Remove an experiment's retraining schedule")
    .addHelpText('after', '\nExamples:\n  $ cirrus schedule clear iris\n')
    .argument('<experiment>')
    .action(async (experiment: string, _opts: unknown, cmd: Command) => {
      const e = await clientFor(cmd).put<Experiment>(`/v1/experiments/${seg(experiment)}/schedule`, {
        schedule: null,
      });
      emit(e, () => say(`experiment ${e.name} has no retraining schedule`));
    });
}
