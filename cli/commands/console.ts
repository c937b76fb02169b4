import type { Command } from 'commander';
import { CirrusClient } from '../client.js';
import { type GlobalOptions, rootOf } from '../context.js';
import { positiveInt } from '../parse.js';
import { say } from '../output.js';
import { untilSignal } from './local.js';

interface ConsoleOptions {
  url?: string;
  profile?: string;
  region?: string;
  token?: string;
  port: number;
}

/**
 * `cirrus console`: the web console on 127.0.0.1 for the Cirrus at --url. Its API calls are
 * relayed and signed here (SigV4 with the user's AWS credentials for a deployed stack; the
 * bearer token for a local one), as `kubectl proxy` does: no new way into the deployed API.
 */
export function registerConsoleCommand(program: Command): void {
  program
    .command('console')
    .description('Serve the web console on 127.0.0.1 for the Cirrus at --url, signing its API calls (SigV4)')
    .option('--url <url>', 'the Cirrus API URL (env CIRRUS_URL)')
    .option('--profile <name>', 'AWS profile whose credentials sign the calls')
    .option('--region <region>', 'AWS region of the API (default: from the URL)')
    .option('--token <token>', 'bearer token, for a local Cirrus')
    .option('--port <port>', 'local port (0 picks a free one)', positiveInt('--port'), 8788)
    .addHelpText(
      'after',
      `
The local platform already serves the console at / (cirrus local up prints its URL).

Examples:
  $ cirrus console --url https://abc123.execute-api.eu-west-1.amazonaws.com
  $ cirrus console --url $CIRRUS_URL --profile ml-team --port 9000
`,
    )
    .action(async (opts: ConsoleOptions, cmd: Command) => {
      const root = rootOf(cmd).opts<GlobalOptions>();
      const client = new CirrusClient({
        url: opts.url ?? root.url,
        profile: opts.profile ?? root.profile,
        region: opts.region ?? root.region,
        token: opts.token ?? root.token,
        dataDir: root.dataDir,
      });
      if (!(await client.healthy())) say(`warning: ${client.url} does not answer /health (yet)`);
      const { startConsoleProxy } = await import('../../console/proxy.js');
      const proxy = await startConsoleProxy({ client, port: opts.port });
      say(`Cirrus console for ${client.url}`);
      say(`  open      ${proxy.url}/`);
      say(
        `  signing   ${client.token ? 'bearer token' : 'SigV4 (your AWS credentials)'}; listening on 127.0.0.1 only`,
      );
      say('Ctrl-C stops it.');
      await untilSignal();
      await proxy.stop();
    });
}
