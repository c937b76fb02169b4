import type { Command } from 'commander';
import { seg } from '../client.js';
import { clientFor } from '../context.js';
import { driftReport, driftReportsTable } from '../format/drift.js';
import { emit, say } from '../output.js';
import { number } from '../parse.js';
import type { DriftReportView, DriftSummary } from '../types.js';

/** `cirrus drift run|report|list`. */
export function registerDriftCommands(program: Command): void {
  const drift = program
    .command('drift')
    .description("Drift of an endpoint's traffic against its champion's training data");
  drift
    .command('run')
    .description('Evaluate drift now over a window of logged predictions (drift found starts retraining)')
    .argument('<endpoint>')
    .option('--window-hours <h>', 'how far back to look (default 24)', number('--window-hours'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus drift run iris\n  $ cirrus drift run iris --window-hours 1\n',
    )
    .action(async (endpoint: string, opts: { windowHours?: number }, cmd: Command) => {
      const report = await clientFor(cmd).post<DriftReportView>(
        `/v1/endpoints/${seg(endpoint)}/drift`,
        opts.windowHours ? { windowHours: opts.windowHours } : {},
      );
      emit(report, () => say(driftReport(report)));
    });
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

const stamp = (r: DriftSummary) => r.createdAt;

/** Reports by evaluation time, newest first (whatever order the API keeps). */
export function newestFirst(reports: readonly DriftSummary[]): DriftSummary[] {
  return [...reports].sort((a, b) => stamp(b).localeCompare(stamp(a)));
}
