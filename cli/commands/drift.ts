import { type Command, InvalidArgumentError } from 'commander';
import { type CirrusClient, seg } from '../client.js';
import { clientFor } from '../context.js';
import { driftReport, driftReportsTable } from '../format/drift.js';
import { emit, say } from '../output.js';
import { number } from '../parse.js';
import type { DriftReportView, DriftSummary } from '../types.js';

/** Drift of a batch job's input; the job must be one of `endpoint`'s. */
export async function batchJobDrift(
  client: CirrusClient,
  endpoint: string,
  jobId: string,
  maxRows?: number,
): Promise<DriftReportView> {
  const job = await client.get<{ endpoint: string }>(`/v1/batch-predictions/${seg(jobId)}`);
  if (job.endpoint !== endpoint)
    throw new InvalidArgumentError(
      `--batch-job: job ${jobId} scored endpoint '${job.endpoint}', not '${endpoint}'`,
    );
  return client.post<DriftReportView>(
    `/v1/batch-predictions/${seg(jobId)}/drift`,
    maxRows ? { maxRows } : {},
  );
}

/** `cirrus drift run|report|list`. */
export function registerDriftCommands(program: Command): void {
  const drift = program
    .command('drift')
    .description("Drift of an endpoint's traffic against its champion's training data");
  registerDriftRunCommand(drift);
  drift
    .command('report')
    .description('Show a drift report (default: the latest) and list the others')
    .argument('<endpoint>')
    .argument('[reportId]')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus drift report iris\n  $ cirrus drift report iris 20250101T000000Z-1a2b3c4d\n',
    )
    .action(async (endpoint: string, reportId: string | undefined, _opts: unknown, cmd: Command) => {
      const client = clientFor(cmd);
      let id = reportId;
      let reports: DriftSummary[] | undefined;
      if (!id) {
        reports = newestFirst(
          (await client.get<{ reports: DriftSummary[] }>(`/v1/endpoints/${seg(endpoint)}/drift`)).reports,
        );
        const latest = reports[0];
        id = latest?.reportId;
        if (!id) {
          emit({ reports }, () =>
            say(`no drift reports for ${endpoint} yet: run one with \`cirrus drift run ${endpoint}\``),
          );
          return;
        }
      }
      const report = await client.get<DriftReportView>(`/v1/endpoints/${seg(endpoint)}/drift/${seg(id)}`);
      emit(report, () => {
        say(driftReport(report));
        if (reports && reports.length > 1) say(driftReportsTable(reports));
      });
    });
  drift
    .command('list')
    .description("List an endpoint's drift reports, newest first")
    .addHelpText('after', '\nExamples:\n  $ cirrus drift list iris\n')
    .argument('<endpoint>')
    .action(async (endpoint: string, _opts: unknown, cmd: Command) => {
      const res = await clientFor(cmd).get<{ reports: DriftSummary[] }>(
        `/v1/endpoints/${seg(endpoint)}/drift`,
      );
      emit(res, () =>
        say(
          res.reports.length
            ? driftReportsTable(newestFirst(res.reports))
            : `no drift reports for ${endpoint}`,
        ),
      );
    });
}

/** `drift run`: evaluate drift now. */
function registerDriftRunCommand(drift: Command): void {
  drift
    .command('run')
    .description('Evaluate drift now over a window of logged predictions (drift found starts retraining)')
    .argument('<endpoint>')
    .option('--window-hours <h>', 'how far back to look (default 24)', number('--window-hours'))
    .option('--batch-job <id>', "evaluate a batch job's input rows instead of logged predictions")
    .option(
      '--max-rows <n>',
      'with --batch-job: rows of the input read (default 50000)',
      number('--max-rows'),
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus drift run iris\n  $ cirrus drift run iris --window-hours 1\n  $ cirrus drift run iris --batch-job 20261207T050000Z-3f9a1c\n',
    )
    .action(
      async (
        endpoint: string,
        opts: { windowHours?: number; batchJob?: string; maxRows?: number },
        cmd: Command,
      ) => {
        const client = clientFor(cmd);
        const report = opts.batchJob
          ? await batchJobDrift(client, endpoint, opts.batchJob, opts.maxRows)
          : await client.post<DriftReportView>(
              `/v1/endpoints/${seg(endpoint)}/drift`,
              opts.windowHours ? { windowHours: opts.windowHours } : {},
            );
        emit(report, () => say(driftReport(report)));
      },
    );
}

const stamp = (r: DriftSummary) => r.createdAt;

/** Reports by evaluation time, newest first (whatever order the API keeps). */
export function newestFirst(reports: readonly DriftSummary[]): DriftSummary[] {
  return [...reports].sort((a, b) => stamp(b).localeCompare(stamp(a)));
}
