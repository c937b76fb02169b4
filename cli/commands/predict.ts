import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { type Command, InvalidArgumentError } from 'commander';
import { seg } from '../client.js';
import { clientFor } from '../context.js';
import { answeredBy, predictionsTable } from '../format/serving.js';
import { emit, say } from '../output.js';
import { collect, keyValue, scalar } from '../parse.js';
import type { FeedbackView, PredictResponse } from '../types.js';

const FORMAT_KEYS = ['features', 'instances', 'inputs', 'dataframe_records', 'dataframe_split'];

/** `--json` text → a predict body: a format object as is, a bare row → features, a list → instances. */
export function predictBody(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`--json: not valid JSON (${(error as Error).message})`);
  }
  if (Array.isArray(value)) return { instances: value };
  if (!value || typeof value !== 'object')
    throw new InvalidArgumentError('--json: expected an object like {"features": {...}} or a list of rows');
  const obj = value as Record<string, unknown>;
  return FORMAT_KEYS.some((k) => k in obj) ? obj : { features: obj };
}

/**
 * CSV rows as instances: numbers typed, an empty cell null (a missing value, as the dataset
 * upload reads it: the model imputes it), `drop` columns left out.
 */
export function csvInstances(text: string, drop: readonly string[] = []): Record<string, unknown>[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];
  return records.map((r) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([k]) => !drop.includes(k))
        .map(([k, v]) => [k, v === '' ? null : scalar(v)]),
    ),
  );
}

/** `cirrus predict` and `cirrus feedback`. */
export function registerPredictCommands(program: Command): void {
  program
    .command('predict')
    .description('Ask an endpoint for predictions (one row or a batch)')
    .argument('<endpoint>', 'endpoint name (the model name by default)')
    .option(
      '--json <body>',
      'a row {"f": 1}, a list of rows, or any accepted body ({"features"}, {"instances"}, MLflow formats)',
    )
    .option('--file <rows.csv>', 'CSV with a header row: every row is predicted (a batch)')
    .option('--feature <name=value>', 'one feature (repeatable): a single row', collect, [])
    .option('--drop <columns>', 'with --file: columns to leave out (e.g. the target)', '')
    .option('--output-json', 'print the API answer as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ cirrus predict iris --json '{"sepal length (cm)": 5.1, "sepal width (cm)": 3.5, "petal length (cm)": 1.4, "petal width (cm)": 0.2}'
  $ cirrus predict iris --json '{"instances": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}'
  $ cirrus predict iris --file rows.csv --drop target
  $ cirrus --json predict iris --feature "sepal length (cm)=5.1" ...   # machine-readable answer
`,
    )
    .action(
      async (
        endpoint: string,
        opts: { json?: string; file?: string; feature: string[]; drop: string; outputJson?: boolean },
        cmd: Command,
      ) => {
        const body = await bodyFrom(opts);
        const res = await clientFor(cmd).post<PredictResponse>(
          `/v1/endpoints/${seg(endpoint)}/predict`,
          body,
        );
        const asJson = opts.outputJson === true;
        if (asJson) process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
        else
          emit(res, () => {
            say(answeredBy(res));
            say(predictionsTable(res));
            say(`send ground truth later: cirrus feedback ${res.requestId} <actual>`);
          });
      },
    );

  program
    .command('feedback')
    .description('Attach ground truth to a logged prediction (idempotent); counts toward a running A/B test')
    .argument('<requestId>', 'the requestId a prediction answered with')
    .argument(
      '<value>',
      'the actual class (one the model knows) or number (regression); a JSON list for a batch request',
    )
    .addHelpText(
      'after',
      `
The built-in iris labels are 0, 1, 2 (setosa, versicolor, virginica); \`cirrus models version iris 1\`
shows a model's classes. A label the model does not know is refused.

Examples:
  $ cirrus feedback 6f1c…e2 2              # iris: the flower was a virginica
  $ cirrus feedback 6f1c…e2 151.0          # diabetes (regression): the measured value
  $ cirrus feedback 6f1c…e2 '[0, 2]'       # a batch request of two rows
`,
    )
    .action(async (requestId: string, value: string, _opts: unknown, cmd: Command) => {
      const res = await clientFor(cmd).put<FeedbackView>(`/v1/predictions/${seg(requestId)}/feedback`, {
        actual: feedbackValue(value),
      });
      emit(res, () =>
        say(
          `${requestId}: ground truth ${JSON.stringify(feedbackValue(value))} ${res.changed === false ? 'was already recorded' : 'recorded'}`,
        ),
      );
    });
}

async function bodyFrom(opts: {
  json?: string;
  file?: string;
  feature: string[];
  drop: string;
}): Promise<Record<string, unknown>> {
  const given = [opts.json !== undefined, opts.file !== undefined, opts.feature.length > 0].filter(
    Boolean,
  ).length;
  if (given !== 1) throw new InvalidArgumentError('give exactly one of --json, --file or --feature');
  if (opts.json !== undefined) return predictBody(opts.json);
  if (opts.file !== undefined) {
    const drop = opts.drop
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    const instances = csvInstances(await readFile(opts.file, 'utf8'), drop);
    if (instances.length === 0) throw new InvalidArgumentError(`--file: ${opts.file} has no data rows`);
    return { instances };
  }
  return {
    features: Object.fromEntries(
      opts.feature.map((f) => {
        const [k, v] = keyValue(f, '--feature');
        return [k, scalar(v)];
      }),
    ),
  };
}

/** A number stays a number (regression), a JSON list is a batch's values, anything else a label. */
export function feedbackValue(raw: string): unknown {
  if (raw.trim().startsWith('[')) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new InvalidArgumentError(`value: '${raw}' is not a JSON list`);
    }
  }
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
}
