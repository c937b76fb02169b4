import { type Command, InvalidArgumentError, Option } from 'commander';
import { seg } from '../client.js';
import { clientFor } from '../context.js';
import { abStatusTable, endpointsTable, trafficTable } from '../format/serving.js';
import { emit, say } from '../output.js';
import { collect, number, positiveInt, version } from '../parse.js';
import type { AbTestStatus, Endpoint, TrafficConfig, TrafficView } from '../types.js';

/** `v1=90` → a variant named v1 on version 1 with weight 90; `blue:3=10` names it `blue`. */
export function parseVariant(raw: string): { name: string; version: number; weight: number } {
  const m = /^(?:([A-Za-z0-9_.-]+):)?v?(\d+)=(\d+(?:\.\d+)?)$/.exec(raw);
  if (!m)
    throw new InvalidArgumentError(
      `variant: expected vVERSION=WEIGHT like v1=90 (or name:VERSION=WEIGHT), got '${raw}'`,
    );
  const v = Number(m[2]);
  return { name: m[1] ?? `v${v}`, version: v, weight: Number(m[3]) };
}

/** The traffic body from `traffic set` arguments. */
export function trafficBody(
  variants: readonly string[],
  opts: { shadow: string[]; stickyKey?: string; stickyHeader?: string },
): TrafficConfig {
  const shadows = opts.shadow.map((s) => {
    const v = version(s);
    return { name: `shadow-v${v}`, version: v };
  });
  const stickyKey = opts.stickyHeader
    ? { from: 'header' as const, name: opts.stickyHeader }
    : opts.stickyKey
      ? { from: 'field' as const, name: opts.stickyKey }
      : undefined;
  return { variants: variants.map(parseVariant), shadows, ...(stickyKey ? { stickyKey } : {}) };
}

/**
 * `traffic set E champion=100` means "serve the champion alias" (the same as `traffic reset`):
 * true for that form, an error for `champion` beside other variants or with another weight (a
 * split pins versions; the champion alias moves).
 */
export function isChampionOnly(variants: readonly string[]): boolean {
  const champion = variants.filter((v) => /^champion=/.test(v));
  if (champion.length === 0) return false;
  if (variants.length === 1 && /^champion=100(\.0*)?$/.test(variants[0]!)) return true;
  throw new InvalidArgumentError(
    `variant: 'champion' can only take all the traffic (champion=100, the same as \`cirrus traffic reset\`); a split names versions, like v1=90 v2=10`,
  );
}

/** `cirrus endpoints`, `cirrus traffic set|show|reset`, `cirrus ab start|status|stop`. */
export function registerServingCommands(program: Command): void {
  registerEndpointCommands(program);
  registerTrafficCommands(program);
  registerAbCommands(program);
}

/** `endpoints list`. */
function registerEndpointCommands(program: Command): void {
  const endpoints = program.command('endpoints').description('Prediction endpoints');
  endpoints
    .command('list')
    .description('List endpoints with their traffic')
    .addHelpText('after', '\nExamples:\n  $ cirrus endpoints list\n')
    .action(async (_opts: unknown, cmd: Command) => {
      const res = await clientFor(cmd).get<{ endpoints: Endpoint[] }>('/v1/endpoints');
      emit(res, () =>
        say(
          res.endpoints.length
            ? endpointsTable(res.endpoints)
            : "no endpoints yet: an endpoint is created with a model's first version",
        ),
      );
    });
}

/** `traffic set|reset|show`: how an endpoint splits traffic. */
function registerTrafficCommands(program: Command): void {
  const traffic = program
    .command('traffic')
    .description('How an endpoint splits traffic between model versions');
  traffic
    .command('set')
    .description('Weighted variants (weights sum to 100), shadow versions, sticky routing')
    .argument('<endpoint>')
    .argument('<variants...>', 'vVERSION=WEIGHT, e.g. v1=90 v2=10; champion=100 serves the champion alias')
    .option(
      '--shadow <version>',
      'also score this version on every request, logged but never returned (repeatable)',
      collect,
      [],
    )
    .option('--sticky-key <field>', 'route by this request field so one user always sees one variant')
    .option('--sticky-header <header>', 'route by this request header instead')
    .addHelpText(
      'after',
      '\nA split pins versions: it keeps serving them after a promotion, until `cirrus traffic reset`.\n\nExamples:\n  $ cirrus traffic set iris v1=90 v2=10\n  $ cirrus traffic set iris v2=100 --shadow v3\n  $ cirrus traffic set iris v1=50 v2=50 --sticky-key user\n  $ cirrus traffic set iris champion=100   # same as: cirrus traffic reset iris\n',
    )
    .action(
      async (
        endpoint: string,
        variants: string[],
        opts: { shadow: string[]; stickyKey?: string; stickyHeader?: string },
        cmd: Command,
      ) => {
        const path = `/v1/endpoints/${seg(endpoint)}/traffic`;
        const view = isChampionOnly(variants)
          ? await clientFor(cmd).delete<TrafficView>(path)
          : await clientFor(cmd).put<TrafficView>(path, trafficBody(variants, opts));
        emit(view, () => say(trafficText(view)));
      },
    );
  traffic
    .command('reset')
    .description('Drop the explicit split: serve the champion alias again, and follow its promotions')
    .argument('<endpoint>')
    .addHelpText('after', '\nExamples:\n  $ cirrus traffic reset iris\n')
    .action(async (endpoint: string, _opts: unknown, cmd: Command) => {
      const view = await clientFor(cmd).delete<TrafficView>(`/v1/endpoints/${seg(endpoint)}/traffic`);
      emit(view, () => say(trafficText(view)));
    });
  traffic
    .command('show')
    .description("Show an endpoint's traffic split")
    .argument('<endpoint>')
    .addHelpText('after', '\nExamples:\n  $ cirrus traffic show iris\n')
    .action(async (endpoint: string, _opts: unknown, cmd: Command) => {
      const view = await clientFor(cmd).get<TrafficView>(`/v1/endpoints/${seg(endpoint)}/traffic`);
      emit(view, () => say(trafficText(view)));
    });
}

/** `ab start|status|stop`. */
function registerAbCommands(program: Command): void {
  const ab = program
    .command('ab')
    .description('A/B tests: champion against challenger, decided on ground truth');
  registerAbStartCommand(ab);
  ab.command('status')
    .description('Counts, metric, confidence interval, p-value and decision of the current (or last) test')
    .argument('<endpoint>')
    .addHelpText('after', '\nExamples:\n  $ cirrus ab status iris\n')
    .action(async (endpoint: string, _opts: unknown, cmd: Command) => {
      const status = await clientFor(cmd).get<AbTestStatus>(
        `/v1/endpoints/${seg(endpoint)}/ab-tests/current`,
      );
      emit(status, () => say(abStatusTable(status)));
    });
  ab.command('stop')
    .description('Stop the running test without a decision; the previous traffic comes back')
    .addHelpText('after', '\nExamples:\n  $ cirrus ab stop iris\n')
    .argument('<endpoint>')
    .action(async (endpoint: string, _opts: unknown, cmd: Command) => {
      const status = await clientFor(cmd).delete<AbTestStatus>(
        `/v1/endpoints/${seg(endpoint)}/ab-tests/current`,
      );
      emit(status, () => {
        say(`A/B test ${status.testId} stopped`);
        say(abStatusTable(status));
      });
    });
}

/** `ab start`: an A/B test between the champion and a challenger. */
function registerAbStartCommand(ab: Command): void {
  ab.command('start')
    .description('Start an A/B test between the champion and a challenger version')
    .argument('<endpoint>')
    .option('--challenger <version>', 'challenger version (default: the challenger alias)', version)
    .option('--split <percent>', 'percent of traffic to the challenger (default 50)', number('--split'))
    .addOption(
      new Option(
        '--metric <metric>',
        'what decides (default: accuracy for classifiers, rmse for regressors)',
      ).choices(['accuracy', 'rmse']),
    )
    .option(
      '--min-samples <n>',
      'labelled samples per arm before any decision (default 100)',
      positiveInt('--min-samples'),
    )
    .option(
      '--max-samples <n>',
      'planned samples per arm: no difference by then ends the test (default 10000)',
      positiveInt('--max-samples'),
    )
    .option('--alpha <a>', 'significance level (default 0.05)', number('--alpha'))
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus ab start iris --challenger 2 --split 50\n  $ cirrus ab start diabetes --metric rmse --min-samples 200\n',
    )
    .action(
      async (
        endpoint: string,
        opts: {
          challenger?: number;
          split?: number;
          metric?: string;
          minSamples?: number;
          maxSamples?: number;
          alpha?: number;
        },
        cmd: Command,
      ) => {
        const client = clientFor(cmd);
        const body = {
          ...(opts.metric ? { metric: opts.metric } : {}),
          ...(opts.challenger !== undefined ? { challengerVersion: opts.challenger } : {}),
          ...(opts.split !== undefined ? { split: opts.split } : {}),
          ...(opts.minSamples !== undefined ? { minSamples: opts.minSamples } : {}),
          ...(opts.maxSamples !== undefined ? { maxSamples: opts.maxSamples } : {}),
          ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}),
        };
        const status = await client.post<AbTestStatus>(`/v1/endpoints/${seg(endpoint)}/ab-tests`, body);
        emit(status, () => {
          say(
            `A/B test ${status.testId} started on ${endpoint}: champion v${status.champion.version} vs challenger v${status.challenger.version}`,
          );
          say(abStatusTable(status));
        });
      },
    );
}

/**
 * After a promotion: one line per endpoint that does not follow the champion (an explicit split
 * or an A/B test), naming what it serves and how to serve the champion instead.
 */
export function servingAfterPromotion(views: readonly TrafficView[]): string[] {
  return views
    .filter((v) => v.source === 'config' && v.traffic)
    .map((v) => {
      const split = v.traffic!.variants.map((x) => `v${x.version}=${x.weight}`).join(' ');
      const why = v.abTestId ? `A/B test ${v.abTestId} is running` : 'it has a manual split';
      const back = v.abTestId ? '`cirrus ab stop`' : `\`cirrus traffic reset ${v.endpoint}\``;
      return `note: endpoint ${v.endpoint} still serves ${split}, not the champion (${why}); ${back} serves the champion`;
    });
}

function trafficText(view: TrafficView): string {
  const source = view.source === 'champion' ? 'all traffic to the champion alias' : 'an explicit split';
  const ab = view.abTestId ? `; A/B test ${view.abTestId} running` : '';
  const head = `endpoint ${view.endpoint} (model ${view.model}): ${source}${ab}`;
  return view.traffic
    ? `${head}\n${trafficTable(view.traffic)}`
    : `${head}\nnothing to serve yet (no champion)`;
}
