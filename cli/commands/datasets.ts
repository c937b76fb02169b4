import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Argument, type Command } from 'commander';
import { seg } from '../client.js';
import { clientFor } from '../context.js';
import { algorithmsTable, datasetDetail, datasetsTable } from '../format/catalog.js';
import { emit, output, say, short } from '../output.js';
import type { AlgorithmView, DatasetRecord } from '../types.js';
import { INLINE_UPLOAD_MAX_BYTES, uploadLargeCsv } from './dataset-upload.js';

export const BUILTIN_DATASETS = ['iris', 'wine', 'breast_cancer', 'diabetes', 'digits'] as const;

/** `cirrus datasets load|upload|list|show` and `cirrus algorithms`. */
export function registerDatasetCommands(program: Command): void {
  const datasets = program.command('datasets').description('Load, upload and list datasets');

  registerDatasetLoadCommands(datasets);
  registerDatasetReadCommands(datasets);
  registerAlgorithmsCommand(program);
}

/** `datasets load|upload`: data in. */
function registerDatasetLoadCommands(datasets: Command): void {
  datasets
    .command('load')
    .description('Register a built-in dataset (a new version when its bytes changed)')
    .addArgument(new Argument('<builtin>', 'a built-in dataset').choices(BUILTIN_DATASETS))
    .option('--name <name>', 'register under another name (default: the built-in name)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus datasets load iris\n  $ cirrus datasets load diabetes --name diabetes-2025\n',
    )
    .action(async (builtin: string, opts: { name?: string }, cmd: Command) => {
      const record = await clientFor(cmd).post<DatasetRecord>('/v1/datasets', {
        name: opts.name ?? builtin,
        builtin,
      });
      emit(record, () => {
        say(
          `loaded ${record.name}@${short(record.version)}: ${record.rowCount} rows, ${record.schema?.columns?.length ?? '?'} columns`,
        );
        say(datasetDetail(record));
      });
    });

  datasets
    .command('upload')
    .description('Upload a CSV file as a dataset (header row required)')
    .argument('<file>', 'CSV file')
    .option('--name <name>', 'dataset name (default: the file name without extension)')
    .option('--description <text>', 'what the data is')
    .addHelpText(
      'after',
      '\nFiles over 4 MiB stream to a presigned URL (up to 5 GiB) with a progress bar on stderr;\n' +
        'the API checks the upload (size, sha256, header) before registering it.\n' +
        '\nExamples:\n  $ cirrus datasets upload ./houses.csv --name houses\n  $ cirrus datasets upload ./clicks-1m.csv --description "a month of clicks"\n',
    )
    .action(async (file: string, opts: { name?: string; description?: string }, cmd: Command) => {
      const name = opts.name ?? basename(file, extname(file));
      const client = clientFor(cmd);
      const description = opts.description ? { description: opts.description } : {};
      const record =
        (await stat(file)).size > INLINE_UPLOAD_MAX_BYTES
          ? await uploadLargeCsv(client, { file, name, ...description }, (line) => {
              if (!output.json) process.stderr.write(`${line}\n`);
            })
          : await client.post<DatasetRecord>('/v1/datasets', {
              name,
              csv: await readFile(file, 'utf8'),
              ...description,
            });
      emit(record, () => {
        say(`uploaded ${record.name}@${short(record.version)}: ${record.rowCount} rows`);
        say(datasetDetail(record));
      });
    });
}

/** `datasets list|show`. */
function registerDatasetReadCommands(datasets: Command): void {
  datasets
    .command('list')
    .description('List datasets (latest version of each)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ cirrus datasets list\n  $ cirrus --json datasets list | jq ".datasets[].name"\n',
    )
    .action(async (_opts: unknown, cmd: Command) => {
      const res = await clientFor(cmd).get<{ datasets: DatasetRecord[] }>('/v1/datasets');
      emit(res, () =>
        say(
          res.datasets.length
            ? datasetsTable(res.datasets)
            : 'no datasets yet: try `cirrus datasets load iris`',
        ),
      );
    });

  datasets
    .command('show')
    .description('Show a dataset: latest version, columns and types')
    .argument('<name>')
    .addHelpText('after', '\nExamples:\n  $ cirrus datasets show iris\n')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const record = await clientFor(cmd).get<DatasetRecord & { versions?: DatasetRecord[] }>(
        `/v1/datasets/${seg(name)}`,
      );
      emit(record, () => {
        say(datasetDetail(record));
        if (record.versions?.length) say(datasetsTable(record.versions));
      });
    });
}

/** `algorithms`: what Cirrus trains. */
function registerAlgorithmsCommand(program: Command): void {
  program
    .command('algorithms')
    .description('List the algorithms Cirrus trains, with their tasks and hyperparameters')
    .option('--task <task>', 'only algorithms for this task (classification, regression, clustering)')
    .addHelpText('after', '\nExamples:\n  $ cirrus algorithms\n  $ cirrus algorithms --task regression\n')
    .action(async (opts: { task?: string }, cmd: Command) => {
      const res = await clientFor(cmd).get<{ algorithms: AlgorithmView[] }>('/v1/algorithms');
      const algorithms = opts.task
        ? res.algorithms.filter((a) => a.tasks.includes(opts.task!))
        : res.algorithms;
      emit({ algorithms }, () => say(algorithmsTable(algorithms)));
    });
}
