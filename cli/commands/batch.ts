import { type Command, InvalidArgumentError } from 'commander';
import type { BatchJobView } from '../../contracts/batch.js';
import { seg } from '../client.js';
import { clientFor } from '../context.js';
import { emit, kv, output, say, table, when } from '../output.js';
import { driftReport } from '../format/drift.js';
import { downloadOutputs, isS3, stageLocal } from './batch-files.js';
import { batchJobDrift } from './drift.js';

interface StartOptions {
  input: string;
  output: string;
  format?: string;
  outputFormat?: string;
  keyColumn?: string;
  batchSize?: string;
  maxConcurrency?: string;
  toleratedFailurePercentage?: string;
  wait: boolean;
  drift?: boolean;
  json?: boolean;
}

const int = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name}: '${v}' is not a number`);
  return n;
};

/** `rows done/total` bar: total is known once the whole input has been read. */
export function progressLine(job: BatchJobView, width = 30): string {
  const p = job.progress;
  if (!p) return `${job.jobId}: ${job.status}`;
  const frac = p.readerDone && p.rowsRead > 0 ? (p.rowsDone + p.rowsFailed) / p.rowsRead : 0;
  const filled = Math.round(frac * width);
  const total = p.readerDone ? p.rowsRead.toLocaleString('en-US') : `${p.rowsRead.toLocaleString('en-US')}+`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.rowsDone.toLocaleString('en-US')}/${total} rows · ${p.batches} batches · ${p.batchesFailed} failed`;
}

export function summary(job: BatchJobView): string {
  return kv({
    job: job.jobId,
    status: job.status,
    endpoint: job.endpoint,
    model: `${job.model} v${job.version} (pinned at start)`,
    rows: job.rows
      ? `${job.rows.total} read, ${job.rows.scored} scored, ${job.rows.invalid} invalid, ${job.rows.failed} in failed batches`
      : '',
    batches: job.batches ? `${job.batches.total} (${job.batches.failed} failed)` : '',
    duration: job.durationMs !== undefined ? `${(job.durationMs / 1000).toFixed(1)} s` : '',
    predictions: job.predictionsUri ?? '',
    errors: job.errorsUri ?? '',
    ...(job.error ? { error: job.error } : {}),
  });
}

async function follow(cmd: Command, jobId: string): Promise<BatchJobView> {
  const client = clientFor(cmd);
  const tty = process.stderr.isTTY === true;
  for (;;) {
    const job = await client.get<BatchJobView>(`/v1/batch-predictions/${seg(jobId)}`);
    if (job.status !== 'RUNNING') {
      if (tty) process.stderr.write('\n');
      return job;
    }
    if (!output.json) process.stderr.write(tty ? `\r${progressLine(job)}` : `${progressLine(job)}\n`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** `cirrus batch-predict ENDPOINT --input --output`, `batch-predict status JOB`, `batch-predict list`. */
export function registerBatchCommands(program: Command): void {
  const batch = program
    .command('batch-predict')
    .description('Score every row of an S3 object or prefix (CSV or JSON Lines) on the Distributed Map')
    .argument('[endpoint]', 'endpoint name')
    .option(
      '--input <s3uri|path>',
      's3://bucket/key.csv|.jsonl, a prefix ending in /, or a local file or folder (uploaded first)',
    )
    .option(
      '--output <s3uri|path>',
      's3://bucket/prefix/, or a local file or folder (downloaded when the job ends)',
    )
    .option('--format <csv|jsonl>', 'input format (default: from the extension)')
    .option('--output-format <csv|jsonl>', 'output format (default: the input format)')
    .option('--key-column <name>', 'column copied as each row key (default: the row number)')
    .option('--batch-size <n>', 'rows per child execution (default 1000)')
    .option('--max-concurrency <n>', 'child executions at once (default 10)')
    .option('--tolerated-failure-percentage <p>', 'failed batches tolerated (default 0)')
    .option('--drift', "when the job ends, evaluate drift of its input against the pinned version's baseline")
    .option('--no-wait', 'return the job id at once')
    .option('--json', 'print machine-readable JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ cirrus batch-predict iris --input s3://cirrus-artifacts/in/rows.csv --output s3://cirrus-artifacts/out/
  $ cirrus batch-predict iris --input s3://cirrus-artifacts/in/parts/ --format jsonl --key-column id --output s3://cirrus-artifacts/out/ --no-wait
  $ cirrus batch-predict iris --input ./rows.csv --output ./scored.csv
  $ cirrus batch-predict iris --input ./parts/ --format jsonl --output ./out/
  $ cirrus batch-predict iris --input ./rows.csv --output ./scored.csv --drift
  $ cirrus batch-predict status 20261207T050000Z-3f9a1c
  $ cirrus batch-predict download 20261207T050000Z-3f9a1c ./out/
  $ cirrus batch-predict list
`,
    )
    .action(startBatchPrediction);
  registerBatchJobCommands(batch);
}

/** `batch-predict status|download|list`: jobs already started. */
function registerBatchJobCommands(batch: Command): void {
  batch
    .command('status')
    .description('A batch job: status, progress, counts, outputs')
    .argument('<jobId>')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus batch-predict status 20261207T050000Z-3f9a1c\n  $ cirrus --json batch-predict status 20261207T050000Z-3f9a1c\n',
    )
    .action(async (jobId: string, _o: unknown, cmd: Command) => {
      const job = await clientFor(cmd).get<BatchJobView>(`/v1/batch-predictions/${seg(jobId)}`);
      emit(job, () => say(job.status === 'RUNNING' ? `${summary(job)}\n${progressLine(job)}` : summary(job)));
    });
  batch
    .command('download')
    .description("An ended job's predictions and errors file, to a local file or folder")
    .argument('<jobId>')
    .argument('<path>', 'a folder (existing, or ending in /) or a file for the predictions')
    .addHelpText('after', '\nExamples:\n  $ cirrus batch-predict download 20261207T050000Z-3f9a1c ./out/\n')
    .action(async (jobId: string, path: string, _o: unknown, cmd: Command) => {
      const saved = await downloadOutputs(clientFor(cmd), jobId, path);
      emit(saved, () => say(kv({ predictions: saved.predictions, errors: saved.errors })));
    });
  batch
    .command('list')
    .description('Batch jobs, newest first')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus batch-predict list\n  $ cirrus --json batch-predict list\n',
    )
    .action(async (_o: unknown, cmd: Command) => {
      const { jobs } = await clientFor(cmd).get<{ jobs: BatchJobView[] }>('/v1/batch-predictions');
      emit({ jobs }, () =>
        say(
          table(
            ['job', 'endpoint', 'version', 'status', 'rows', 'invalid', 'started'],
            jobs.map((j) => [
              j.jobId,
              j.endpoint,
              j.version,
              j.status,
              j.rows?.total ?? '',
              j.rows?.invalid ?? '',
              when(j.createdAt),
            ]),
          ),
        ),
      );
    });
}

/** `batch-predict ENDPOINT`: stages local files, starts the job, and (unless --no-wait) follows it to the end. */
async function startBatchPrediction(
  endpoint: string | undefined,
  opts: StartOptions,
  cmd: Command,
): Promise<void> {
  if (!endpoint) throw new InvalidArgumentError('give an endpoint (or status JOB, list)');
  if (!opts.input || !opts.output) throw new InvalidArgumentError('--input and --output are required');
  output.json ||= opts.json === true;
  const client = clientFor(cmd);
  if (!opts.wait && opts.drift)
    throw new InvalidArgumentError(
      '--drift needs the job to end here; drop --no-wait, or run `cirrus drift run ENDPOINT --batch-job JOB` later',
    );
  if (!opts.wait && !isS3(opts.output))
    throw new InvalidArgumentError(
      '--output: a local path needs the job to end here; drop --no-wait, or give s3://… and run `cirrus batch-predict download JOB PATH` later',
    );
  const log = (line: string) => {
    if (!output.json) process.stderr.write(`${line}\n`);
  };
  const where = await stageLocal(client, opts.input, opts.output, log);
  const body = {
    input: where.input,
    output: where.output,
    ...(opts.format || where.format ? { format: opts.format ?? where.format } : {}),
    ...(opts.outputFormat ? { outputFormat: opts.outputFormat } : {}),
    ...(opts.keyColumn ? { keyColumn: opts.keyColumn } : {}),
    batchSize: int('--batch-size', opts.batchSize),
    maxConcurrency: int('--max-concurrency', opts.maxConcurrency),
    toleratedFailurePercentage: int('--tolerated-failure-percentage', opts.toleratedFailurePercentage),
  };
  const job = await client.post<BatchJobView>(`/v1/endpoints/${seg(endpoint)}/batch-predictions`, body);
  if (!opts.wait)
    return emit(job, () =>
      say(
        `started batch job ${job.jobId} (${job.model} v${job.version}); follow it: cirrus batch-predict status ${job.jobId}`,
      ),
    );
  const done = await follow(cmd, job.jobId);
  const local =
    done.status === 'SUCCEEDED' && !isS3(opts.output)
      ? await downloadOutputs(client, done.jobId, opts.output)
      : undefined;
  const drift =
    opts.drift && done.status === 'SUCCEEDED' ? await batchJobDrift(client, endpoint, done.jobId) : undefined;
  emit({ ...done, ...(local ? { downloaded: local } : {}), ...(drift ? { drift } : {}) }, () => {
    say(summary(done));
    if (local) say(kv({ 'saved predictions': local.predictions, 'saved errors': local.errors }));
    if (drift) say(driftReport(drift));
  });
  if (done.status !== 'SUCCEEDED') process.exitCode = 1;
}
