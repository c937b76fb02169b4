import { type Command, InvalidArgumentError, Option } from 'commander';
import { collect, keyValue, positiveInt, scalar } from '../parse.js';

/** The `cirrus train` flags for text features and tuning (the request's `text` and `search`). */
export interface TextAndSearchOptions {
  textTemplate?: string;
  textName?: string;
  ngrams?: number;
  maxFeatures?: number;
  minDf?: number;
  search?: 'grid' | 'random';
  grid?: string[];
  range?: string[];
  budget?: number;
  folds?: number;
}

export function addTextOptions(cmd: Command): Command {
  return cmd
    .option(
      '--text-template <template>',
      'join columns into one text feature, e.g. "Author: {author}. {text}"',
    )
    .option('--text-name <name>', 'name of the templated text feature (default text)')
    .option(
      '--ngrams <n>',
      'longest word n-gram of the TF-IDF vectorizer, 1-3 (default 2)',
      positiveInt('--ngrams'),
    )
    .option(
      '--max-features <n>',
      'vocabulary size per text feature (default 2000)',
      positiveInt('--max-features'),
    )
    .option(
      '--min-df <n>',
      'a term must appear in at least n training rows (default 2)',
      positiveInt('--min-df'),
    );
}

export function addSearchOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--search <kind>', 'tune: try every combination (grid) or draw candidates (random)').choices(
        ['grid', 'random'],
      ),
    )
    .option('--grid <key=v1,v2,...>', 'values to try for a hyperparameter (repeatable)', collect, [])
    .option(
      '--range <key=min:max[:log][:int]>',
      'a range to draw from, random search (repeatable)',
      collect,
      [],
    )
    .option('--budget <n>', 'most candidates tried (default 20)', positiveInt('--budget'))
    .option('--folds <k>', 'cross-validation folds per candidate (default 3)', positiveInt('--folds'));
}

/** `min:max[:log][:int]` → a search range; the message names the flag. */
function searchRange(key: string, raw: string): Record<string, unknown> {
  const [min, max, ...flags] = raw.split(':');
  const bad = () => new InvalidArgumentError(`--range ${key}: expected min:max[:log][:int], got '${raw}'`);
  if (min === undefined || max === undefined || min === '' || max === '') throw bad();
  if (flags.some((f) => f !== 'log' && f !== 'int')) throw bad();
  const [lo, hi] = [Number(min), Number(max)];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw bad();
  return {
    min: lo,
    max: hi,
    ...(flags.includes('log') ? { log: true } : {}),
    ...(flags.includes('int') ? { int: true } : {}),
  };
}

/** The request's `text` field from the flags (absent when no text flag is given). */
export function textField(o: TextAndSearchOptions): Record<string, unknown> | undefined {
  const text = {
    ...(o.textTemplate !== undefined ? { template: o.textTemplate } : {}),
    ...(o.textName !== undefined ? { name: o.textName } : {}),
    ...(o.ngrams !== undefined ? { ngrams: o.ngrams } : {}),
    ...(o.maxFeatures !== undefined ? { maxFeatures: o.maxFeatures } : {}),
    ...(o.minDf !== undefined ? { minDf: o.minDf } : {}),
  };
  return Object.keys(text).length ? text : undefined;
}

/**
 * The request's `search` field from the flags: `--grid` lists and `--range` ranges make the space;
 * the kind defaults to random when a range is given, else grid. Absent without any search flag.
 */
export function searchField(o: TextAndSearchOptions): Record<string, unknown> | undefined {
  const grid = o.grid ?? [];
  const ranges = o.range ?? [];
  if (!o.search && !grid.length && !ranges.length && o.budget === undefined && o.folds === undefined)
    return undefined;
  const space: Record<string, unknown> = {};
  for (const g of grid) {
    const [key, raw] = keyValue(g, '--grid');
    space[key] = raw.split(',').map((v) => scalar(v.trim()));
  }
  for (const r of ranges) {
    const [key, raw] = keyValue(r, '--range');
    space[key] = searchRange(key, raw);
  }
  return {
    strategy: o.search ?? (ranges.length ? 'random' : 'grid'),
    space,
    ...(o.budget !== undefined ? { budget: o.budget } : {}),
    ...(o.folds !== undefined ? { folds: o.folds } : {}),
  };
}
