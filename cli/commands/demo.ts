import type { Command } from 'commander';
import { type GlobalOptions, rootOf } from '../context.js';
import { runDemo } from '../demo/run-demo.js';
import { ensurePlatform } from '../demo/platform.js';
import { emit, say } from '../output.js';
import { positiveInt } from '../parse.js';
import { consoleUrl, untilSignal } from './local.js';

/** `cirrus demo`: the whole lifecycle, narrated, on the Cirrus at --url or an embedded one. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Walk the whole lifecycle: data, training, prediction, A/B test, drift and retraining, history',
    )
    .option(
      '--data-dir <dir>',
      'data directory when the demo starts its own platform (default: a fresh temporary one)',
    )
    .option(
      '--port <port>',
      "port when the demo starts its own platform (default: the URL's, 0 = any free)",
      positiveInt('--port'),
    )
    .option('--keep', 'keep the embedded platform running after the demo (Ctrl-C stops it)')
    .addHelpText(
      'after',
      `
If a Cirrus answers at --url (default http://127.0.0.1:8787) the demo uses it; otherwise it
starts the embedded platform in this process and stops it at the end.

Examples:
  $ cirrus demo                              # fresh embedded platform, about a minute
  $ cirrus demo --data-dir .cirrus --keep    # keep the result and serve it afterwards
  $ cirrus local up & cirrus demo            # against a platform started separately
  $ cirrus --json demo > outcome.json        # each step's outcome as JSON
`,
    )
    .action(async (opts: { dataDir?: string; port?: number; keep?: boolean }, cmd: Command) => {
      const globals = rootOf(cmd).opts<GlobalOptions>();
      const platform = await ensurePlatform({ ...globals, demoDataDir: opts.dataDir, port: opts.port });
      try {
        const summary = await runDemo(platform, { keep: opts.keep });
        const restart = platform.embedded && !opts.keep;
        const url = consoleUrl(restart ? 'http://127.0.0.1:8787' : platform.url, platform.client.token ?? '');
        emit(summary, () => {
          say('\ndemo finished.');
          say(
            restart
              ? `web console (after \`cirrus local up --data-dir ${platform.dataDir}\`): ${url}`
              : `web console: ${url}`,
          );
        });
        if (opts.keep && platform.embedded) {
          say(`the platform keeps serving at ${platform.url} — Ctrl-C stops it`);
          await untilSignal();
        }
      } finally {
        await platform.stop();
      }
    });
}
