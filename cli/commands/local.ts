import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { LOCAL_PROFILE } from '../../local/emulators/credentials.js';
import { rootOf } from '../context.js';
import { positiveInt } from '../parse.js';
import { say } from '../output.js';

interface UpOptions {
  port: number;
  s3Port?: number;
  dynamodbPort?: number;
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
    .option(
      '--s3-port <port>',
      'S3 emulator port (default: CIRRUS_S3_PORT, else a free one)',
      positiveInt('--s3-port'),
    )
    .option(
      '--dynamodb-port <port>',
      'DynamoDB emulator port (default: CIRRUS_DYNAMODB_PORT, else a free one)',
      positiveInt('--dynamodb-port'),
    )
    .option('--no-scheduler', 'do not run drift and retraining schedules')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ cirrus local up',
        '  $ cirrus local up --port 9000 --data-dir /tmp/cirrus',
        '  $ cirrus local up --s3-port 4569 --dynamodb-port 4567   # fixed emulator ports, for the AWS CLI',
        '  $ CIRRUS_URL=http://127.0.0.1:9000 CIRRUS_DATA_DIR=/tmp/cirrus cirrus models list   # from another shell',
        '',
      ].join('\n'),
    )
    .action(async (opts: UpOptions, cmd: Command) => {
      const root = rootOf(cmd).opts<{ dataDir?: string; token?: string }>();
      const dataDir = opts.dataDir ?? root.dataDir ?? process.env.CIRRUS_DATA_DIR ?? '.cirrus';
      // Everything this process and its trainers write is private to the user (0600/0700).
      process.umask(0o077);
      const { startLocalPlatform } = await import('../../local/runtime.js');
      const platform = await startLocalPlatform({
        dataDir,
        port: opts.port,
        token: opts.token ?? root.token,
        scheduler: opts.scheduler,
        s3Port: opts.s3Port ?? portFromEnv('CIRRUS_S3_PORT'),
        dynamoPort: opts.dynamodbPort ?? portFromEnv('CIRRUS_DYNAMODB_PORT'),
      });
      printBanner(platform);
      await untilSignal();
      say('stopping: finishing requests and running pipelines, flushing logs…');
      await platform.stop();
      say('stopped; the next `cirrus local up` sees everything.');
    });
}

/** A port from the environment; undefined when unset, an error naming the variable when not a port. */
function portFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`${name}: expected a port number, got '${raw}'`);
  return port;
}

/** The start banner. It never shows the token (a banner ends up in logs): it says where it is. */
function printBanner(p: {
  url: string;
  dataDir: string;
  endpoints: { s3: string; dynamodb: string };
  credentialsFile: string;
  recovered?: readonly string[];
  replayedPredictions?: number;
}): void {
  const tokenFile = join(p.dataDir, 'token');
  say('Cirrus is running on this machine');
  say(`  API       ${p.url}`);
  // Not a link that carries the token: a banner ends up in logs (the demo prints one).
  say(`  console   ${p.url}/   (log in with the token in ${tokenFile})`);
  say(`  docs      ${p.url}/docs   (OpenAPI: ${p.url}/openapi.json)`);
  say(`  token     in ${tokenFile} (readable by you only)`);
  say(`  data dir  ${p.dataDir}`);
  say(`  S3        ${p.endpoints.s3}   (bucket cirrus-artifacts)`);
  say(`  DynamoDB  ${p.endpoints.dynamodb}`);
  say(
    `  AWS keys  in ${p.credentialsFile} (profile ${LOCAL_PROFILE}; the emulators refuse any other signature)`,
  );
  if (p.recovered?.length) say(`  closed ${p.recovered.length} execution(s) interrupted by the last stop`);
  if (p.replayedPredictions)
    say(`  stored ${p.replayedPredictions} answered prediction(s) the last process had not written yet`);
  say('');
  say('From another shell (the CLI reads the token from the data dir):');
  say(`  CIRRUS_URL=${p.url} CIRRUS_DATA_DIR=${p.dataDir} cirrus models list`);
  say(`  curl -H "Authorization: Bearer $(cat ${tokenFile})" ${p.url}/v1/models`);
  say(
    `  AWS_SHARED_CREDENTIALS_FILE=${p.credentialsFile} AWS_PROFILE=${LOCAL_PROFILE} AWS_REGION=us-east-1 aws --endpoint-url ${p.endpoints.s3} s3 ls s3://cirrus-artifacts/`,
  );
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
