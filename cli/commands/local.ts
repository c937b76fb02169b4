import type { Command } from 'commander';
import { rootOf } from '../context.js';
import { positiveInt } from '../parse.js';
import { say } from '../output.js';

interface UpOptions {
  port: number;
  dataDir?: string;
  token?: string;
  scheduler: boolean;
}

/** `cirrus local up`: the embedded platform in the foreground until Ctrl-C / SIGTERM. */
export function registerLocalCommands(program: Command): void {
  const local = program.command('local').description('The embedded Cirrus on this machine (no AWS account)');
  local
    .command('up')
    .description(
      'Start the embedded platform in the foreground: emulated S3 and DynamoDB, pipelines, training jobs, the API, the scheduler',
    )
    .option('--port <port>', 'API port (0 picks a free one)', positiveInt('--port'), 8787)
    .option('--data-dir <dir>', 'where everything persists (default: --data-dir / CIRRUS_DATA_DIR / .cirrus)')
    .option('--token <token>', 'API bearer token (default: the one kept in <data-dir>/token, else a new one)')
    .option('--no-scheduler', 'do not run drift and retraining schedules')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus local up\n  $ cirrus local up --port 9000 --data-dir /tmp/cirrus\n  $ CIRRUS_URL=http://127.0.0.1:9000 CIRRUS_DATA_DIR=/tmp/cirrus cirrus models list   # from another shell\n',
    )
    .action(async (opts: UpOptions, cmd: Command) => {
      const root = rootOf(cmd).opts<{ dataDir?: string; token?: string }>();
      const dataDir = opts.dataDir ?? root.dataDir ?? process.env.CIRRUS_DATA_DIR ?? '.cirrus';
      const { startLocalPlatform } = await import('../../local/runtime.js');
      const platform = await startLocalPlatform({
        dataDir,
        port: opts.port,
        token: opts.token ?? root.token,
        scheduler: opts.scheduler,
      });
      printBanner(platform);
      await untilSignal();
      say('stopping: finishing requests and running pipelines, flushing logs…');
      await platform.stop();
      say('stopped; the next `cirrus local up` sees everything.');
    });
}

function printBanner(p: {
  url: string;
  token: string;
  dataDir: string;
  recovered?: readonly string[];
}): void {
  say('Cirrus is running on this machine');
  say(`  API       ${p.url}`);
  say(`  console   ${consoleUrl(p.url, p.token)}   (the link carries the token once)`);
  say(`  docs      ${p.url}/docs   (OpenAPI: ${p.url}/openapi.json)`);
  say(`  token     ${p.token}`);
  say(`  data dir  ${p.dataDir}`);
  if (p.recovered?.length) say(`  closed ${p.recovered.length} execution(s) interrupted by the last stop`);
  say('');
  say('From another shell (the CLI reads the token from the data dir):');
  say(`  CIRRUS_URL=${p.url} CIRRUS_DATA_DIR=${p.dataDir} cirrus models list`);
  say(`  curl -H "Authorization: Bearer ${p.token}" ${p.url}/v1/models`);
  say('Ctrl-C stops it cleanly.');
}

/** The console's address with the token in the fragment: the page keeps it for the tab and drops it from the URL. */
export function consoleUrl(url: string, token: string): string {
  return `${url}/#token=${encodeURIComponent(token)}`;
}

/** Resolves on the first SIGINT or SIGTERM (a second one exits at once). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
